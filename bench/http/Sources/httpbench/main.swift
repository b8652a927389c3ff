// A fixed small JSON answer on every path. Usage: httpbench [port] [threads] [global|immediate|loop]
// (where handlers run: see HTTPHandlerExecution).
import Glibc
import HTTP

let arguments = CommandLine.arguments
var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: arguments.count > 1 ? Int(arguments[1]) ?? 8080 : 8080)
if arguments.count > 2, let threads = Int(arguments[2]) { configuration.threads = threads }
switch arguments.count > 3 ? arguments[3] : "global" {
case "loop": configuration.handlerExecution = .eventLoop
case "immediate": configuration.handlerExecution = .immediate
default: configuration.handlerExecution = .globalExecutor
}

let body = Array(#"{"data":{"__typename":"Query"}}"#.utf8)
let server = HTTPServer(configuration: configuration) { _ in
    HTTPResponse(status: 200, headers: [("Content-Type", "application/graphql-response+json")], body: body)
}
do {
    try server.start()
} catch {
    print("httpbench: \(error)")
    exit(1)
}
print("httpbench listening on 127.0.0.1:\(server.boundPort), \(configuration.threads) loop thread(s), handlers: \(configuration.handlerExecution)")
let signal = await HTTPServer.waitForTerminationSignal()
print("signal \(signal): shutting down")
await server.shutdown(gracePeriod: .seconds(5))
let m = server.metrics
print("accepted \(m.totalAccepted), served \(m.requestsServed)")
