// Strict, incremental HTTP/1.1 request parsing (RFC 9110/9112), independent of sockets.

/// How the request body is delimited.
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}

/// A parsed request line and header section, validated.
struct RequestHead {
    var method: String
    var target: String
    var minorVersion: Int
    var headers: HTTPHeaders
    var framing: BodyFraming
    var keepAlive: Bool
    var expectContinue: Bool

    var version: String { minorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1" }
}

enum HeadScan {
    /// No complete head yet; `resumeAt` is the offset to resume scanning from.
    case incomplete(resumeAt: Int)
    /// The head ends at `length` bytes (including the blank line).
    case complete(length: Int)
    case failure(Int)
}

let CR: UInt8 = 13
let LF: UInt8 = 10
let SP: UInt8 = 32
let HT: UInt8 = 9

/// tchar per RFC 9110 §5.6.2.
let tcharTable: [Bool] = {
    var t = [Bool](repeating: false, count: 256)
    for c in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(c)] = true }
    for c in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(c)] = true }
    for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(c)] = true }
    for c in "!#$%&'*+-.^_`|~".utf8 { t[Int(c)] = true }
    return t
}()

enum HTTPParser {
    /// Scans `bytes[from...]` for the end of the head (CRLF CRLF). Any LF not preceded by CR, or
    /// CR not followed by LF, is a 400. Leading empty lines must already be skipped.
    static func scanHead(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, maxHeaderBytes: Int) -> HeadScan {
        let n = bytes.count
        var i = from
        while i < n {
            let b = bytes[i]
            if b == LF {
                if i == 0 || bytes[i - 1] != CR { return .failure(400) }
                if i >= 3 && bytes[i - 2] == LF && bytes[i - 3] == CR {
                    let length = i + 1
                    return length > maxHeaderBytes ? .failure(431) : .complete(length: length)
                }
            } else if i > 0 && bytes[i - 1] == CR {
                return .failure(400) // bare CR
            }
            i += 1
            if i > maxHeaderBytes { return .failure(431) }
        }
        // Resume one byte back so a CR at the end is re-examined with its successor.
        return .incomplete(resumeAt: max(0, n - 1))
    }

    /// Parses and validates a complete head (`bytes` ends with CRLF CRLF).
    static func parseHead(_ bytes: UnsafeBufferPointer<UInt8>, maxBodyBytes: Int) -> Result<RequestHead, HTTPParseError> {
        let end = bytes.count - 2 // the final CRLF of the blank line
        // Request line.
        var i = 0
        while i < end && bytes[i] != CR { i += 1 }
        let lineEnd = i
        var p = 0
        while p < lineEnd && tcharTable[Int(bytes[p])] { p += 1 }
        if p == 0 || p >= lineEnd || bytes[p] != SP { return .failure(.status(400)) }
        let method = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<p]), as: UTF8.self)
        p += 1
        let targetStart = p
        while p < lineEnd && bytes[p] > 0x20 && bytes[p] < 0x7F { p += 1 }
        if p == targetStart || p >= lineEnd || bytes[p] != SP { return .failure(.status(400)) }
        let target = String(decoding: UnsafeBufferPointer(rebasing: bytes[targetStart..<p]), as: UTF8.self)
        p += 1
        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        guard lineEnd - p == 8,
              bytes[p] == UInt8(ascii: "H"), bytes[p + 1] == UInt8(ascii: "T"), bytes[p + 2] == UInt8(ascii: "T"),
              bytes[p + 3] == UInt8(ascii: "P"), bytes[p + 4] == UInt8(ascii: "/"),
              isDigit(bytes[p + 5]), bytes[p + 6] == UInt8(ascii: "."), isDigit(bytes[p + 7])
        else { return .failure(.status(400)) }
        let major = Int(bytes[p + 5] - 48), minor = Int(bytes[p + 7] - 48)
        if major != 1 { return .failure(.status(505)) }
        let minorVersion = minor == 0 ? 0 : 1
        if !(target.utf8.first == UInt8(ascii: "/") || target == "*" || target.contains("://")) {
            return .failure(.status(400))
        }

        // Header fields.
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(12)
        i = lineEnd + 2
        while i < end {
            let first = bytes[i]
            if first == SP || first == HT { return .failure(.status(400)) } // obs-fold
            var j = i
            while j < end && tcharTable[Int(bytes[j])] { j += 1 }
            if j == i || j >= end || bytes[j] != UInt8(ascii: ":") { return .failure(.status(400)) }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
            j += 1
            var k = j
            while k < end && bytes[k] != CR {
                let c = bytes[k]
                if (c < 0x20 && c != HT) || c == 0x7F { return .failure(.status(400)) }
                k += 1
            }
            // k is at CR of this line; trim OWS.
            var vs = j, ve = k
            while vs < ve && (bytes[vs] == SP || bytes[vs] == HT) { vs += 1 }
            while ve > vs && (bytes[ve - 1] == SP || bytes[ve - 1] == HT) { ve -= 1 }
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[vs..<ve]), as: UTF8.self)
            headers.append((name, value))
            i = k + 2
        }
        return validate(method: method, target: target, minorVersion: minorVersion,
                        headers: HTTPHeaders(headers), maxBodyBytes: maxBodyBytes)
    }

    static func validate(method: String, target: String, minorVersion: Int, headers: HTTPHeaders,
                         maxBodyBytes: Int) -> Result<RequestHead, HTTPParseError> {
        var hostCount = 0
        var contentLength: Int? = nil
        var sawContentLength = false
        var transferCodings: [String] = []
        var sawTransferEncoding = false
        var connectionClose = false
        var connectionKeepAlive = false
        var expectContinue = false

        for (name, value) in headers.fields {
            switch name.utf8.count {
            case 4 where asciiCaseInsensitiveEquals(name, "host"):
                hostCount += 1
            case 14 where asciiCaseInsensitiveEquals(name, "content-length"):
                sawContentLength = true
                for part in value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    var s = part.startIndex, e = part.endIndex
                    while s < e && (part[s] == SP || part[s] == HT) { s = part.index(after: s) }
                    while e > s && (part[part.index(before: e)] == SP || part[part.index(before: e)] == HT) { e = part.index(before: e) }
                    let digits = part[s..<e]
                    if digits.isEmpty || digits.count > 18 || !digits.allSatisfy(isDigit) { return .failure(.status(400)) }
                    var v = 0
                    for d in digits { v = v * 10 + Int(d - 48) }
                    if let existing = contentLength, existing != v { return .failure(.status(400)) }
                    contentLength = v
                }
            case 17 where asciiCaseInsensitiveEquals(name, "transfer-encoding"):
                sawTransferEncoding = true
                for part in value.split(separator: ",") {
                    let coding = part.trimmingOWS().lowercased()
                    if !coding.isEmpty { transferCodings.append(coding) }
                }
            case 10 where asciiCaseInsensitiveEquals(name, "connection"):
                for part in value.split(separator: ",") {
                    let token = part.trimmingOWS().lowercased()
                    if token == "close" { connectionClose = true }
                    else if token == "keep-alive" { connectionKeepAlive = true }
                }
            case 6 where asciiCaseInsensitiveEquals(name, "expect"):
                if minorVersion >= 1 {
                    if value.trimmingOWS().lowercased() == "100-continue" { expectContinue = true }
                    else { return .failure(.status(417)) }
                }
            default:
                break
            }
        }

        if hostCount > 1 || (minorVersion >= 1 && hostCount == 0) { return .failure(.status(400)) }

        var framing = BodyFraming.none
        if sawTransferEncoding {
            if sawContentLength || minorVersion == 0 { return .failure(.status(400)) }
            if transferCodings.isEmpty { return .failure(.status(400)) }
            let known: Set<String> = ["chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress", "identity"]
            if transferCodings.count == 1 && transferCodings[0] == "chunked" {
                framing = .chunked
            } else if transferCodings.last != "chunked" || transferCodings.dropLast().contains("chunked") {
                // Chunked not final (or repeated): framing cannot be determined.
                return .failure(.status(transferCodings.allSatisfy(known.contains) ? 400 : 501))
            } else {
                return .failure(.status(501)) // e.g. "gzip, chunked": we decode no other codings
            }
        } else if let length = contentLength {
            if length > maxBodyBytes { return .failure(.status(413)) }
            framing = length > 0 ? .length(length) : .none
        }

        let keepAlive = connectionClose ? false : (minorVersion >= 1 ? true : connectionKeepAlive)
        return .success(RequestHead(method: method, target: target, minorVersion: minorVersion,
                                    headers: headers, framing: framing, keepAlive: keepAlive,
                                    expectContinue: expectContinue && framing != .none))
    }
}

enum HTTPParseError: Error, Equatable {
    case status(Int)

    var status: Int {
        switch self { case let .status(s): return s }
    }
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

extension Substring {
    func trimmingOWS() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

extension String {
    func trimmingOWS() -> Substring { Substring(self).trimmingOWS() }
}

/// Incremental decoder of a chunked request body (chunk extensions ignored, trailers discarded).
struct ChunkedDecoder {
    enum State {
        case size          // reading chunk-size [ext] CRLF
        case data(Int)     // remaining bytes of chunk data
        case dataCR        // expecting CR after data
        case dataLF        // expecting LF after data
        case trailer       // reading trailer lines until an empty line
        case done
    }

    enum Outcome: Equatable {
        case needMore
        case done
        case failure(Int)
    }

    var state: State = .size
    /// Bytes of the current size or trailer line seen so far (the line is kept in the input until complete).
    private var trailerBytes = 0
    let maxBodyBytes: Int
    let maxTrailerBytes: Int
    static let maxSizeLine = 4096

    init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Decodes from `input`, appending data to `body`; returns the bytes consumed and the outcome.
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) -> (consumed: Int, outcome: Outcome) {
        var i = 0
        let n = input.count
        while true {
            switch state {
            case .done:
                return (i, .done)
            case .size:
                // Need a full line. The limit counts the bytes before LF, checked as they are seen,
                // so the answer does not depend on where the input was split.
                var j = i
                while j < n && input[j] != LF {
                    j += 1
                    if j - i > Self.maxSizeLine { return (i, .failure(400)) }
                }
                if j >= n { return (i, .needMore) }
                // line is input[i..<j], must end with CR
                if j == i || input[j - 1] != CR { return (i, .failure(400)) }
                let lineEnd = j - 1
                var k = i
                var size = 0
                while k < lineEnd, let h = hexValue(input[k]) {
                    if k - i >= 16 { return (i, .failure(400)) }
                    size = size << 4 | Int(h)
                    if size > maxBodyBytes { return (i, .failure(413)) }
                    k += 1
                }
                if k == i { return (i, .failure(400)) }
                // Optional extension: BWS ";" ...
                var e = k
                while e < lineEnd && (input[e] == SP || input[e] == HT) { e += 1 }
                if e < lineEnd && input[e] != UInt8(ascii: ";") { return (i, .failure(400)) }
                while e < lineEnd {
                    let c = input[e]
                    if (c < 0x20 && c != HT) || c == 0x7F { return (i, .failure(400)) }
                    e += 1
                }
                if body.count + size > maxBodyBytes { return (i, .failure(413)) }
                i = j + 1
                state = size == 0 ? .trailer : .data(size)
            case .data(let remaining):
                let available = n - i
                if available == 0 { return (i, .needMore) }
                let take = min(remaining, available)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<(i + take)]))
                i += take
                state = take == remaining ? .dataCR : .data(remaining - take)
            case .dataCR:
                if i >= n { return (i, .needMore) }
                if input[i] != CR { return (i, .failure(400)) }
                i += 1
                state = .dataLF
            case .dataLF:
                if i >= n { return (i, .needMore) }
                if input[i] != LF { return (i, .failure(400)) }
                i += 1
                state = .size
            case .trailer:
                // As for the size line: the limit is checked byte by byte, before the line's end is
                // known, so one read and many small reads give the same answer.
                var j = i
                while j < n && input[j] != LF {
                    if trailerBytes + (j + 1 - i) > maxTrailerBytes { return (i, .failure(431)) }
                    let c = input[j]
                    if c == CR && j + 1 < n && input[j + 1] != LF { return (i, .failure(400)) }
                    j += 1
                }
                if j >= n { return (i, .needMore) }
                if j == i || input[j - 1] != CR { return (i, .failure(400)) }
                let lineLength = j + 1 - i
                trailerBytes += lineLength
                if trailerBytes > maxTrailerBytes { return (i, .failure(431)) }
                if lineLength == 2 {
                    i = j + 1
                    state = .done
                    continue
                }
                // A trailer field: name ":" value; no obs-fold.
                let first = input[i]
                if first == SP || first == HT { return (i, .failure(400)) }
                var k = i
                while k < j - 1 && tcharTable[Int(input[k])] { k += 1 }
                if k == i || k >= j - 1 || input[k] != UInt8(ascii: ":") { return (i, .failure(400)) }
                k += 1
                while k < j - 1 {
                    let c = input[k]
                    if (c < 0x20 && c != HT) || c == 0x7F { return (i, .failure(400)) }
                    k += 1
                }
                i = j + 1
            }
        }
    }
}
