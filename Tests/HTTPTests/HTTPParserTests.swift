import XCTest
@testable import HTTP

final class HTTPParserTests: XCTestCase {
    private func head(_ text: String, maxBody: Int = 1_048_576) -> Result<RequestHead, HTTPParseError> {
        Array(text.utf8).withUnsafeBufferPointer { HTTPParser.parseHead($0, maxBodyBytes: maxBody) }
    }

    private func scan(_ text: String, max: Int = 16_384) -> HeadScan {
        Array(text.utf8).withUnsafeBufferPointer { HTTPParser.scanHead($0, from: 0, maxHeaderBytes: max) }
    }

    private func decode(_ text: String, maxBody: Int = 100, maxTrailer: Int = 100) -> (ChunkedDecoder.Outcome, String, Int) {
        var decoder = ChunkedDecoder(maxBodyBytes: maxBody, maxTrailerBytes: maxTrailer)
        var body: [UInt8] = []
        let (consumed, outcome) = Array(text.utf8).withUnsafeBufferPointer { decoder.decode($0, into: &body) }
        return (outcome, String(decoding: body, as: UTF8.self), consumed)
    }

    func testScanFindsEndOfHeadAndRejectsBareLineEnds() {
        guard case .complete(let length) = scan("GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY") else { return XCTFail() }
        XCTAssertEqual(length, 27)
        guard case .incomplete = scan("GET / HTTP/1.1\r\nHost: x\r\n\r") else { return XCTFail() }
        guard case .failure(400) = scan("GET / HTTP/1.1\nHost: x\r\n\r\n") else { return XCTFail() }
        guard case .failure(400) = scan("GET / HTTP/1.1\r\nHo\rst: x\r\n\r\n") else { return XCTFail() }
        guard case .failure(431) = scan("GET / HTTP/1.1\r\nHost: xxxxxxxxxxxxxxxxxxxx\r\n\r\n", max: 20) else { return XCTFail() }
    }

    func testScanResumesWhereItStopped() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var resume = 0
        for end in 1...bytes.count {
            let result = bytes[0..<end].withUnsafeBufferPointer { HTTPParser.scanHead($0, from: resume, maxHeaderBytes: 100) }
            switch result {
            case .incomplete(let r): resume = r
            case .complete(let length): XCTAssertEqual(end, bytes.count); XCTAssertEqual(length, bytes.count)
            case .failure(let s): XCTFail("failure \(s) at \(end)")
            }
        }
    }

    func testParsesRequestLineHeadersAndFraming() throws {
        let h = try head("POST /p?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length:  12 \r\nX-Empty:\r\n\r\n").get()
        XCTAssertEqual(h.method, "POST")
        XCTAssertEqual(h.target, "/p?q=1")
        XCTAssertEqual(h.version, "HTTP/1.1")
        XCTAssertEqual(h.framing, .length(12))
        XCTAssertEqual(h.headers["content-length"], "12")
        XCTAssertEqual(h.headers["x-empty"], "")
        XCTAssertTrue(h.keepAlive)
    }

    func testConnectionTokensDecideKeepAlive() throws {
        XCTAssertFalse(try head("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, Close\r\n\r\n").get().keepAlive)
        XCTAssertFalse(try head("GET / HTTP/1.0\r\n\r\n").get().keepAlive)
        XCTAssertTrue(try head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").get().keepAlive)
    }

    func testExpectContinueOnlyMattersWithABody() throws {
        XCTAssertTrue(try head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n").get().expectContinue)
        XCTAssertFalse(try head("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n").get().expectContinue)
        XCTAssertEqual(head("GET / HTTP/1.0\r\nExpect: nonsense\r\n\r\n").map(\.method), .success("GET"))
    }

    func testRejectionStatuses() {
        XCTAssertEqual(head("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n", maxBody: 5).failureStatus, 413)
        XCTAssertEqual(head("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n").failureStatus, 400)
        XCTAssertEqual(head("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n").failureStatus, 400)
        XCTAssertEqual(head("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n").failureStatus, 400)
        XCTAssertEqual(head("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br\r\n\r\n").failureStatus, 501)
        XCTAssertEqual(head("GET / HTTP/3.0\r\nHost: x\r\n\r\n").failureStatus, 505)
        XCTAssertEqual(head("GET / HTTP/1.10\r\nHost: x\r\n\r\n").failureStatus, 400)
        XCTAssertEqual(head("GET /a\u{7f} HTTP/1.1\r\nHost: x\r\n\r\n").failureStatus, 400)
        XCTAssertEqual(head("G\u{e9}T / HTTP/1.1\r\nHost: x\r\n\r\n").failureStatus, 400)
    }

    func testChunkedDecoderHandlesExtensionsAndTrailers() {
        let (outcome, body, consumed) = decode("4;a=b;c\r\nWiki\r\n5 ; x\r\npedia\r\n0\r\nT: v\r\n\r\nNEXT")
        XCTAssertEqual(outcome, .done)
        XCTAssertEqual(body, "Wikipedia")
        XCTAssertEqual(consumed, 40) // everything before "NEXT"
    }

    func testChunkedDecoderNeedsMoreOnPartialInput() {
        XCTAssertEqual(decode("4\r\nWi").0, .needMore)
        XCTAssertEqual(decode("4\r\nWiki\r").0, .needMore)
        XCTAssertEqual(decode("4\r\nWiki\r\n0\r\n").0, .needMore)
        XCTAssertEqual(decode("A").0, .needMore)
    }

    func testChunkedDecoderRejectsMalformedInput() {
        XCTAssertEqual(decode("\r\n").0, .failure(400))           // empty size
        XCTAssertEqual(decode("g\r\n").0, .failure(400))          // not hex
        XCTAssertEqual(decode("4 x\r\n").0, .failure(400))        // junk after size
        XCTAssertEqual(decode("4\nWiki").0, .failure(400))        // bare LF
        XCTAssertEqual(decode("4\r\nWikiXY").0, .failure(400))    // missing CRLF after data
        XCTAssertEqual(decode("65\r\n").0, .failure(413))         // 101 > limit 100
        XCTAssertEqual(decode("0000000000000000001\r\n").0, .failure(400)) // too many digits
        XCTAssertEqual(decode("0\r\n folded: x\r\n\r\n").0, .failure(400))  // obs-fold in trailer
        XCTAssertEqual(decode("0\r\nX: " + String(repeating: "a", count: 200) + "\r\n\r\n").0, .failure(431))
    }

    /// The outcome of decoding `text` in one call and one byte per call (the rest kept, as the event loop does).
    private func decodeWholeAndBytewise(_ text: String, maxTrailer: Int = 100) -> (whole: ChunkedDecoder.Outcome, bytewise: ChunkedDecoder.Outcome) {
        let whole = decode(text, maxBody: 100, maxTrailer: maxTrailer).0
        var decoder = ChunkedDecoder(maxBodyBytes: 100, maxTrailerBytes: maxTrailer)
        var body: [UInt8] = []
        var pending: [UInt8] = []
        var outcome = ChunkedDecoder.Outcome.needMore
        for byte in text.utf8 where outcome == .needMore {
            pending.append(byte)
            let (consumed, o) = pending.withUnsafeBufferPointer { decoder.decode($0, into: &body) }
            pending.removeFirst(consumed)
            outcome = o
        }
        return (whole, outcome)
    }

    /// Found by `fuzz/run.sh http`: how TCP splits a chunked body must not change the answer. A trailer
    /// line over the limit ending in a bare LF was 400 in one read and 431 in small reads; a chunk-size
    /// line one byte over its limit was accepted in one read and 400 in small reads.
    func testChunkedDecoderOutcomeDoesNotDependOnHowTheInputIsSplit() {
        let overlongTrailerEndingInBareLF = "0\r\nX-T: a\r\nraiailer:" + String(repeating: "\0", count: 100) + "\u{FA}\n"
        let split1 = decodeWholeAndBytewise(overlongTrailerEndingInBareLF, maxTrailer: 96)
        XCTAssertEqual(split1.whole, .failure(431))
        XCTAssertEqual(split1.bytewise, .failure(431))

        // "1;eee…e\r" is maxSizeLine + 1 bytes before its LF.
        let sizeLineOverLimit = "1;" + String(repeating: "e", count: ChunkedDecoder.maxSizeLine - 2) + "\r\na\r\n0\r\n\r\n"
        let split2 = decodeWholeAndBytewise(sizeLineOverLimit)
        XCTAssertEqual(split2.whole, .failure(400))
        XCTAssertEqual(split2.bytewise, .failure(400))

        // At the limits exactly, both ways accept.
        let sizeLineAtLimit = "1;" + String(repeating: "e", count: ChunkedDecoder.maxSizeLine - 3) + "\r\na\r\n0\r\n\r\n"
        XCTAssertEqual(decodeWholeAndBytewise(sizeLineAtLimit).whole, .done)
        XCTAssertEqual(decodeWholeAndBytewise(sizeLineAtLimit).bytewise, .done)
        let trailerAtLimit = "0\r\n" + "X: " + String(repeating: "a", count: 93) + "\r\n\r\n" // 100 bytes of trailer section
        XCTAssertEqual(decodeWholeAndBytewise(trailerAtLimit).whole, .done)
        XCTAssertEqual(decodeWholeAndBytewise(trailerAtLimit).bytewise, .done)
    }

    func testChunkedDecoderAccumulatesAcrossCalls() {
        var decoder = ChunkedDecoder(maxBodyBytes: 100, maxTrailerBytes: 100)
        var body: [UInt8] = []
        var pending: [UInt8] = []
        var outcome = ChunkedDecoder.Outcome.needMore
        for byte in "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".utf8 {
            pending.append(byte)
            let (consumed, o) = pending.withUnsafeBufferPointer { decoder.decode($0, into: &body) }
            pending.removeFirst(consumed)
            outcome = o
        }
        XCTAssertEqual(outcome, .done)
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "abcde")
    }
}

extension Result where Failure == HTTPParseError {
    var failureStatus: Int? {
        if case .failure(let e) = self { return e.status }
        return nil
    }
}

extension Result: @retroactive Equatable where Success == String, Failure == HTTPParseError {}
