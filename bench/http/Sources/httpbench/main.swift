// A fixed small JSON answer on every path. Usage: httpbench [port] [threads] [loop]
// ("loop" runs handlers on the event-loop threads as task executors).
import Glibc
import HTTP

let arguments = CommandLine.arguments
var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: arguments.count > 1 ? Int(arguments[1]) ?? 8080 : 8080)
if arguments.count > 2, let threads = Int(arguments[2]) { configuration.threads = threads }
configuration.runHandlersOnEventLoop = arguments.count > 3 && arguments[3] == "loop"

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
print("httpbench listening on 127.0.0.1:\(server.boundPort), \(configuration.threads) loop thread(s), handlers on \(configuration.runHandlersOnEventLoop ? "event loops" : "global executor")")
let signal = await HTTPServer.waitForTerminationSignal()
print("signal \(signal): shutting down")
await server.shutdown(gracePeriod: .seconds(5))
let m = server.metrics
print("accepted \(m.totalAccepted), served \(m.requestsServed)")
