import ClinicDomain
import JSON
import TestSupport
import XCTest
import QueryLanguage
import Schema
@testable import Resolvers

final class ScalarCoercionTests: XCTestCase {
    private let loc = Location.none

    private func failure(_ body: () throws -> JSON) -> String? {
        do { _ = try body(); return nil } catch let f as CoercionFailure { return f.message } catch { return "unexpected \(error)" }
    }

    func testClinicScalarsListsTheFourContractScalars() {
        XCTAssertEqual(Set(ClinicScalars.all.keys), ["Date", "Time", "DateTime", "Decimal"])
    }

    // MARK: Date

    func testDateAcceptsRealDatesIncludingLeapDay() throws {
        let s = DateScalar()
        XCTAssertEqual(try s.parseValue(.string("2026-12-01")), .string("2026-12-01"))
        XCTAssertEqual(try s.parseValue(.string("2024-02-29")), .string("2024-02-29"))
        XCTAssertEqual(try s.parseLiteral(.string("2000-02-29", block: false, loc)), .string("2000-02-29"))
        XCTAssertEqual(try s.serialize(.string("2026-01-31")), .string("2026-01-31"))
    }

    func testDateRejectsDatesThatDoNotExist() {
        let s = DateScalar()
        XCTAssertEqual(failure { try s.parseValue(.string("2026-02-30")) }, "Date \"2026-02-30\" does not exist")
        for bad in ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01"] {
            XCTAssertNotNil(failure { try s.parseValue(.string(bad)) }, bad)
        }
    }

    func testDateRejectsOtherShapes() {
        let s = DateScalar()
        for bad in ["2026-2-3", "2026-12-1", "26-12-01", "2026/12/01", "2026-12-01T00:00:00Z", " 2026-12-01", "", "２０２６-12-01", "+2026-12-01"] {
            XCTAssertEqual(failure { try s.parseValue(.string(bad)) }, "Date must be YYYY-MM-DD, got \(quotedInput(bad))", bad)
        }
        XCTAssertEqual(failure { try s.parseValue(.int(20261201)) }, "Date must be YYYY-MM-DD, got 20261201")
        XCTAssertNotNil(failure { try s.parseLiteral(.int("20261201", loc)) })
        XCTAssertNotNil(failure { try s.serialize(.int(1)) })
        // A resolver's value is checked as strictly as a client's (serialize hands valid dates back as they are).
        for bad in ["2026-02-30", "2026-2-3", "2026/12/01", "２０２６-12-01", ""] {
            XCTAssertEqual(failure { try s.serialize(.string(bad)) }, "cannot serialize \(quotedInput(bad)) as Date", bad)
        }
    }

    // MARK: Time

    func testTimeAcceptsHoursMinutesAndZeroSeconds() throws {
        let s = TimeScalar()
        XCTAssertEqual(try s.parseValue(.string("09:30")), .string("09:30"))
        XCTAssertEqual(try s.parseValue(.string("09:30:00")), .string("09:30"))
        XCTAssertEqual(try s.parseValue(.string("00:00")), .string("00:00"))
        XCTAssertEqual(try s.parseLiteral(.string("23:59", block: false, loc)), .string("23:59"))
        XCTAssertEqual(try s.serialize(.string("17:00:00")), .string("17:00"))
        XCTAssertEqual(try s.serialize(.string("17:05")), .string("17:05"))
        for bad in ["17:00:30", "24:00", "7:00", "17:60", ""] {
            XCTAssertEqual(failure { try s.serialize(.string(bad)) }, "cannot serialize \(quotedInput(bad)) as Time", bad)
        }
    }

    func testTimeRejectsNonZeroSecondsWithContractMessage() {
        XCTAssertEqual(failure { try TimeScalar().parseValue(.string("09:00:30")) }, "Time must be HH:MM (24h), got \"09:00:30\"")
    }

    func testTimeRejectsOutOfRangeAndSloppyForms() {
        let s = TimeScalar()
        for bad in ["24:00", "9:30", "09:60", "0930", "09:30:00.000", "09:30Z", "9:5", "09-30", "", "09:30:0", "-1:00", "12:00 PM"] {
            XCTAssertNotNil(failure { try s.parseValue(.string(bad)) }, bad)
        }
        XCTAssertNotNil(failure { try s.parseLiteral(.int("930", loc)) })
        XCTAssertNotNil(failure { try s.parseValue(.int(930)) })
    }

    // MARK: DateTime

    func testDateTimeNormalizesOffsetsToUTC() throws {
        let s = DateTimeScalar()
        XCTAssertEqual(try s.parseValue(.string("2026-12-01T09:30:00Z")), .string("2026-12-01T09:30:00Z"))
        XCTAssertEqual(try s.parseValue(.string("2026-12-01T10:30:00+01:00")), .string("2026-12-01T09:30:00Z"))
        XCTAssertEqual(try s.parseValue(.string("2026-12-01T03:30:00-06:00")), .string("2026-12-01T09:30:00Z"))
        XCTAssertEqual(try s.parseValue(.string("2026-12-31T23:30:00-01:00")), .string("2027-01-01T00:30:00Z"))
        XCTAssertEqual(try s.parseValue(.string("2026-12-01t09:30:00z")), .string("2026-12-01T09:30:00Z"))
    }

    func testDateTimeKeepsFractionalSecondsToTheMicrosecond() throws {
        let s = DateTimeScalar()
        XCTAssertEqual(try s.parseValue(.string("2026-12-01T09:30:00.5Z")), .string("2026-12-01T09:30:00.500Z"))
        XCTAssertEqual(try s.parseValue(.string("2026-12-01T09:30:00.000Z")), .string("2026-12-01T09:30:00Z"))
        XCTAssertEqual(try s.parseValue(.string("2026-12-01T09:30:00.123456789Z")), .string("2026-12-01T09:30:00.123456Z"))
        XCTAssertEqual(try s.parseLiteral(.string("2026-12-01T09:30:00.25+00:00", block: false, loc)), .string("2026-12-01T09:30:00.250Z"))
    }

    func testDateTimeRejectsMissingOffsetAndInvalidParts() {
        let s = DateTimeScalar()
        for bad in ["2026-12-01T09:30:00", "2026-12-01 09:30:00Z", "2026-12-01T09:30Z", "2026-02-30T09:30:00Z",
                    "2026-12-01T24:00:00Z", "2026-12-01T09:30:60Z", "2026-12-01T09:30:00+24:00", "2026-12-01T09:30:00+0100",
                    "2026-12-01T09:30:00.Z", "2026-12-01T09:30:00.1234567890Z", "2026-12-01", "2026-12-01T09:30:00Zjunk", ""] {
            XCTAssertNotNil(failure { try s.parseValue(.string(bad)) }, bad)
        }
        XCTAssertNotNil(failure { try s.parseValue(.int(1_796_117_400)) })
    }

    func testDateTimeSerializesPostgresTextOutput() throws {
        let s = DateTimeScalar()
        XCTAssertEqual(try s.serialize(.string("2026-12-01 09:30:00+00")), .string("2026-12-01T09:30:00Z"))
        XCTAssertEqual(try s.serialize(.string("2026-12-01 15:00:00.25+05:30")), .string("2026-12-01T09:30:00.250Z"))
        XCTAssertNotNil(failure { try s.serialize(.string("not a time")) })
    }

    // MARK: Decimal

    func testDecimalAcceptsStringsWithUpToTwoDecimalsAndIntegers() throws {
        let s = DecimalScalar()
        XCTAssertEqual(try s.parseValue(.string("45")), .string("45.00"))
        XCTAssertEqual(try s.parseValue(.string("45.5")), .string("45.50"))
        XCTAssertEqual(try s.parseValue(.string("45.50")), .string("45.50"))
        XCTAssertEqual(try s.parseValue(.string("0.05")), .string("0.05"))
        XCTAssertEqual(try s.parseValue(.string("-3.1")), .string("-3.10"))
        XCTAssertEqual(try s.parseValue(.string("99999999.99")), .string("99999999.99"))
        XCTAssertEqual(try s.parseValue(.string("-99999999.99")), .string("-99999999.99"))
        XCTAssertEqual(try s.parseValue(.int(99_999_999)), .string("99999999.00"))
        XCTAssertEqual(try s.parseValue(.int(45)), .string("45.00"))
        XCTAssertEqual(try s.parseLiteral(.int("45", loc)), .string("45.00"))
        XCTAssertEqual(try s.parseLiteral(.string("12.30", block: false, loc)), .string("12.30"))
    }

    /// Serializing hands canonical text back as it is; whatever it hands back equals what formatting
    /// the parsed amount gives, over generated strings (digits, signs, points, zeros, other bytes).
    func testDecimalSerializeAgreesWithFormattingTheAmount() throws {
        let s = DecimalScalar()
        for text in ["150.00", "0.05", "-3.10", "0.00", "99999999.99", "123456789012345.67"] {
            XCTAssertTrue(DecimalScalar.isCanonical(text), text)
            XCTAssertEqual(try s.serialize(.string(text)), .string(text))
        }
        for text in ["-0.00", "00.50", "1.5", "1.500", ".50", "1,00", "+1.00", "1.0a", "", "-", "1234567890123456.00"] {
            XCTAssertFalse(DecimalScalar.isCanonical(text), text)
        }
        XCTAssertEqual(try s.serialize(.string("-0.00")), .string("0.00"))
        XCTAssertEqual(try s.serialize(.string("150")), .string("150.00"))
        var rng = SplitMix64(seed: 20)
        let alphabet = Array("0000123456789-..x")
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let expected = Money(databaseText: text).map { JSON.string($0.formatted) }
            let got = try? s.serialize(.string(text))
            if DecimalScalar.isCanonical(text) { XCTAssertEqual(expected, .string(text), text) }
            if let expected { XCTAssertEqual(got, expected, text) } else { XCTAssertNil(got, text) }
        }
    }

    func testDecimalRejectsMoreThanTwoDecimals() {
        XCTAssertEqual(failure { try DecimalScalar().parseValue(.string("45.123")) },
                       "Decimal must be a string with at most two decimals (\"45.50\") or an integer, got \"45.123\"")
        XCTAssertNotNil(failure { try DecimalScalar().parseValue(.string("45.100")) })
    }

    func testDecimalRejectsFloatsInVariablesAndLiterals() {
        let s = DecimalScalar()
        XCTAssertEqual(failure { try s.parseValue(.double(45.5)) }, "Decimal must not be a float, got 45.5; send it as a string, e.g. \"45.50\"")
        XCTAssertNotNil(failure { try s.parseValue(.double(45)) })
        XCTAssertNotNil(failure { try s.parseLiteral(.float("45.5", loc)) })
        XCTAssertNotNil(failure { try s.parseLiteral(.float("45e0", loc)) })
    }

    func testDecimalRejectsSloppyAndHugeValues() {
        let s = DecimalScalar()
        for bad in ["+45", ".5", "45.", "1e3", "045", "00", "-", "", " 45", "45 ", "4,5", "100000000", "-100000000.00", "1000000000",
                    "99999999999999999999999", "NaN", "Infinity", "٤٥"] {
            XCTAssertNotNil(failure { try s.parseValue(.string(bad)) }, bad)
        }
        XCTAssertEqual(failure { try s.parseValue(.string("100000000")) },
                       "Decimal must be a string with at most two decimals (\"45.50\") or an integer, got \"100000000\" (at most 99999999.99)")
        XCTAssertEqual(failure { try s.parseValue(.int(100_000_000)) }, "Decimal 100000000 is out of range (at most 99999999.99)")
        XCTAssertNotNil(failure { try s.parseValue(.int(Int.min)) })
        XCTAssertNotNil(failure { try s.parseLiteral(.int("99999999999999999999", loc)) })
        XCTAssertNotNil(failure { try s.parseValue(.bool(true)) })
    }

    func testDecimalSerializesDatabaseNumericText() throws {
        let s = DecimalScalar()
        XCTAssertEqual(try s.serialize(.string("45.0000")), .string("45.00"))
        XCTAssertEqual(try s.serialize(.string("1234567890123.5")), .string("1234567890123.50"))
        XCTAssertEqual(try s.serialize(.int(7)), .string("7.00"))
        XCTAssertNotNil(failure { try s.serialize(.string("45.001")) })
        XCTAssertNotNil(failure { try s.serialize(.double(1.5)) })
    }

    func testMoneyFormatsNegativeCentsWithTwoDecimals() {
        XCTAssertEqual(Money(cents: -50).formatted, "-0.50")
        XCTAssertEqual(Money(cents: 4500).formatted, "45.00")
        XCTAssertEqual(Money(cents: 7).formatted, "0.07")
        XCTAssertEqual(Money(cents: Int64.min).formatted, "-92233720368547758.08")
    }

    func testMessagesCutLongInputShort() {
        let long = String(repeating: "9", count: 5000)
        let message = failure { try TimeScalar().parseValue(.string(long)) } ?? ""
        XCTAssertLessThan(message.count, 100)
    }
}
