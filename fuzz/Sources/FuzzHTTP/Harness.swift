// libFuzzer harness: the incremental HTTP/1.1 request parser (Sources/HTTP/HTTPParser.swift).
//
// Input: one byte that picks the limits and the chunking, then the bytes a
// client sends on one connection (pipelined requests allowed). The bytes are
// fed to a model of the event loop's read path (EventLoop.processInput: skip
// empty lines, scanHead with its resume offset, parseHead, then a
// Content-Length body or the ChunkedDecoder) once in a single read and once in
// pseudo-random small reads. Both must never trap, must make progress on every
// step (no loop), and must see the same requests and the same error status:
// how TCP splits the stream must not change what the server understands.
@testable import HTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let control = data[0]
    let stream = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    // Small limits half of the time so the 413/431 paths are reachable by short inputs.
    let limits = control & 1 == 0 ? (header: 8192, body: 1 << 20) : (header: 96, body: 64)

    var whole = ConnectionModel(maxHeaderBytes: limits.header, maxBodyBytes: limits.body)
    whole.receive(stream[...])

    var pieces = ConnectionModel(maxHeaderBytes: limits.header, maxBodyBytes: limits.body)
    var rng = UInt32(control) &* 2_654_435_761 | 1
    var offset = 0
    while offset < stream.count && !pieces.closed {
        rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5
        let length = min(stream.count - offset, Int(rng % 7) + 1)
        pieces.receive(stream[offset..<(offset + length)])
        offset += length
    }

    if whole.events != pieces.events {
        fatalError("the chunking changed the outcome:\none read: \(whole.events)\nsmall reads: \(pieces.events)")
    }
    return 0
}

/// The read path of EventLoop.processInput for one connection, without sockets or timers.
struct ConnectionModel {
    enum Phase { case head, body }
    let maxHeaderBytes: Int
    let maxBodyBytes: Int
    var buffer: [UInt8] = []
    var start = 0
    var scanResume = 0
    var phase = Phase.head
    var head: RequestHead?
    var chunked: ChunkedDecoder?
    var body: [UInt8] = []
    /// What the server would do: one line per dispatched request or error response.
    var events: [String] = []
    var closed = false

    init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    var buffered: Int { buffer.count - start }

    mutating func receive(_ bytes: ArraySlice<UInt8>) {
        guard !closed else { return }
        buffer.append(contentsOf: bytes)
        // A step that asks to go on must have consumed input, changed phase or answered;
        // otherwise the loop would spin on the same bytes forever.
        while !closed {
            let before = (consumed, phase, events.count)
            if !step() { return }
            if (consumed, phase, events.count) == before {
                fatalError("no progress on \(buffered) buffered bytes in phase \(phase)")
            }
        }
    }

    /// Bytes consumed since the connection opened (`start` moves back on compaction).
    private var consumed = 0
    private mutating func consume(_ count: Int) { start += count; consumed += count }

    /// One step; false when more input is needed.
    private mutating func step() -> Bool {
        switch phase {
        case .head:
            while buffered >= 1 && buffer[start] == CR {
                if buffered < 2 { return false }
                if buffer[start + 1] != LF { fail(400); return false }
                consume(2)
            }
            if buffered == 0 { return false }
            let scan = buffer.withUnsafeBufferPointer { all in
                HTTPParser.scanHead(UnsafeBufferPointer(rebasing: all[start...]), from: scanResume, maxHeaderBytes: maxHeaderBytes)
            }
            switch scan {
            case let .incomplete(resumeAt):
                precondition(resumeAt <= buffered, "resume offset \(resumeAt) beyond the \(buffered) buffered bytes")
                scanResume = resumeAt
                return false
            case let .failure(status):
                fail(status); return false
            case let .complete(length):
                precondition(length <= buffered, "head length \(length) beyond the \(buffered) buffered bytes")
                scanResume = 0
                let parsed = buffer.withUnsafeBufferPointer { all in
                    HTTPParser.parseHead(UnsafeBufferPointer(rebasing: all[start..<(start + length)]), maxBodyBytes: maxBodyBytes)
                }
                consume(length)
                switch parsed {
                case let .failure(error):
                    fail(error.status); return false
                case let .success(parsedHead):
                    head = parsedHead
                    switch parsedHead.framing {
                    case .none: dispatch()
                    case .length: phase = .body
                    case .chunked:
                        chunked = ChunkedDecoder(maxBodyBytes: maxBodyBytes, maxTrailerBytes: maxHeaderBytes)
                        phase = .body
                    }
                    return true
                }
            }
        case .body:
            guard let head else { fatalError("body phase without a head") }
            if case let .length(length) = head.framing {
                guard buffered >= length else { return false }
                body = Array(buffer[start..<(start + length)])
                consume(length)
                dispatch()
                return true
            }
            guard var decoder = chunked else { fatalError("chunked framing without a decoder") }
            let before = body.count
            let (used, outcome) = buffer.withUnsafeBufferPointer { all in
                decoder.decode(UnsafeBufferPointer(rebasing: all[start...]), into: &body)
            }
            precondition(used >= 0 && used <= buffered, "consumed \(used) of \(buffered) bytes")
            precondition(body.count >= before && body.count <= maxBodyBytes, "body grew to \(body.count) bytes")
            chunked = decoder
            consume(used)
            switch outcome {
            case .needMore:
                compact(); return false
            case .done:
                dispatch(); return true
            case let .failure(status):
                fail(status); return false
            }
        }
    }

    private mutating func dispatch() {
        guard let head else { fatalError("dispatch without a head") }
        var checksum: UInt32 = 2_166_136_261
        for b in body { checksum = (checksum ^ UInt32(b)) &* 16_777_619 }
        events.append("\(head.method) \(head.target) \(head.version) keepAlive=\(head.keepAlive) body=\(body.count)/\(checksum)")
        body = []
        self.head = nil
        chunked = nil
        phase = .head
        if !head.keepAlive { closed = true }
        compact()
    }

    private mutating func fail(_ status: Int) {
        events.append("error \(status)")
        closed = true
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true); start = 0
        } else if start >= 4096 && start * 2 >= buffer.count {
            buffer.removeFirst(start); start = 0
        }
    }
}
