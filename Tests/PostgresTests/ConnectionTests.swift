import Foundation
import PostgresTesting
import XCTest
@testable import Postgres

final class ConnectionTests: XCTestCase {
    private var connection: Connection!

    override func setUpWithError() throws {
        let uri = try TestCluster.shared().createDatabase(prefix: "conn")
        connection = try Connection(uri)
    }

    override func tearDown() {
        connection?.close()
    }

    func testConnectingWaitsTenSecondsAtMostUnlessTheConnectionStringSaysOtherwise() throws {
        XCTAssertEqual(connection.option("connect_timeout"), "10", "libpq would wait forever for an unreachable server")
        // A lost host is noticed within about a minute, a statement nobody acknowledges in 30 s.
        XCTAssertEqual(connection.option("keepalives_idle"), "30")
        XCTAssertEqual(connection.option("keepalives_interval"), "10")
        XCTAssertEqual(connection.option("keepalives_count"), "3")
        XCTAssertEqual(connection.option("tcp_user_timeout"), "30000")
        let uri = try TestCluster.shared().createDatabase(prefix: "conn")
        let own = try Connection(uri + (uri.contains("?") ? "&" : "?") + "connect_timeout=3&tcp_user_timeout=5000")
        defer { own.close() }
        XCTAssertEqual(own.option("connect_timeout"), "3")
        XCTAssertEqual(own.option("tcp_user_timeout"), "5000")
        XCTAssertEqual(own.option("keepalives_idle"), "30")
        XCTAssertEqual(try own.query("SELECT 1 AS v").first?.int("v"), 1)
    }

    func testResultsOfOneShapeShareTheirDescriptionAndOthersDoNot() throws {
        let layout = ColumnLayout(["b", "a"])
        let first = try connection.query("SELECT 1 AS a, 'x' AS b")
        let again = try connection.query("SELECT $1::int AS a, $2::text AS b", [.int(2), .text("y")])
        XCTAssertTrue(first.shape === again.shape, "same names and types: one description")
        XCTAssertEqual(try first.first!.positions(layout), [1, 0])
        XCTAssertEqual(try again.first!.int("a"), 2)
        XCTAssertEqual(try again.first!.string("b"), "y")
        // Another name, or the same names with another type, is another shape.
        let renamed = try connection.query("SELECT 3 AS a, 'z' AS c")
        XCTAssertFalse(renamed.shape === first.shape)
        XCTAssertEqual(renamed.columns, ["a", "c"])
        XCTAssertThrowsError(try renamed.first!.positions(layout), "a layout's column the result lacks is an error")
        let retyped = try connection.query("SELECT 'four' AS a, 'w' AS b")
        XCTAssertFalse(retyped.shape === first.shape)
        XCTAssertEqual(try retyped.first!.string("a"), "four")
        XCTAssertEqual(try connection.query("SELECT 1 AS a, 'x' AS b, 2 AS extra").columns, ["a", "b", "extra"])
        // More shapes than a connection keeps: the oldest go, and every result still reads right.
        for i in 0..<(PQConnection.descriptionsKept + 8) {
            let r = try connection.query("SELECT \(i) AS c\(i)")
            XCTAssertEqual(try r.first!.int("c\(i)"), i)
        }
        XCTAssertEqual(try connection.query("SELECT 5 AS a, 'v' AS b").first!.positions(layout), [1, 0])
    }

    func testPrefixedRowsReadTheColumnsOfAJoinedRelation() throws {
        let result = try connection.query("SELECT 1 AS id, 'a' AS name, 2 AS du_id, 'b' AS du_name, 3 AS du_x_id")
        let row = try XCTUnwrap(result.first)
        XCTAssertEqual(try row.int("id"), 1)
        XCTAssertEqual(try row.prefixed("du_").int("id"), 2)
        XCTAssertEqual(try row.prefixed("du_").string("name"), "b")
        XCTAssertEqual(try row.prefixed("du_").prefixed("x_").int("id"), 3)
        XCTAssertNil(row.prefixed("du_")["x_id_missing"])
        XCTAssertThrowsError(try row.prefixed("pu_").int("id")) { XCTAssertTrue("\($0)".contains("pu_id"), "\($0)") }
    }

    func testColumnsAreFoundByNameAmongManyTheFirstOfANameWinning() throws {
        // 300 columns (collisions in the open-addressing index), names of every length, one twice.
        let names = (0..<300).map { i in String(repeating: "c", count: 1 + i % 40) + "\(i)" }
        let list = names.enumerated().map { "\($0.offset) AS \($0.element)" }.joined(separator: ", ")
        let row = try XCTUnwrap(connection.query("SELECT \(list), 7 AS c0, 8 AS ümlaut_ñ").first)
        for (i, name) in names.enumerated() { XCTAssertEqual(try row.int(name), i, name) }
        XCTAssertEqual(try row.int("c0"), 0, "the first column named c0 wins")
        XCTAssertEqual(try row.int("ümlaut_ñ"), 8)
        XCTAssertNil(row["c"])
        XCTAssertNil(row["c0 "])
        XCTAssertNil(row[""])
        XCTAssertThrowsError(try row.int("missing"))
    }

    func testRowsDecodeByPositionThroughALayout() throws {
        let layout = ColumnLayout(["n", "b", "s"])
        let result = try connection.query("""
            SELECT * FROM (VALUES (1, 1::int8, true, 'one', 'x'), (2, -9223372036854775808, false, NULL, 'y'),
                                  (3, 9223372036854775807, NULL, 'three', 'z')) v(k, n, b, s, j_s) ORDER BY k
            """)
        let rows = result.rows
        let positions = try rows[0].positions(layout)
        XCTAssertEqual(positions, [1, 2, 3])
        XCTAssertEqual(try rows[1].positions(layout), positions, "resolved once per result")
        // Integers past the digits the fast way reads, and both ends of int8.
        XCTAssertEqual(try rows.map { try $0.int(at: positions[0]) }, [1, Int.min, Int.max])
        XCTAssertEqual(try rows[0].bool(at: positions[1]), true)
        XCTAssertEqual(try rows[1].bool(at: positions[1]), false)
        XCTAssertThrowsError(try rows[2].bool(at: positions[1])) { error in
            XCTAssertTrue("\(error)".contains("column \"b\" is NULL"), "\(error)")
        }
        XCTAssertNil(rows[1].optionalString(at: positions[2]))
        XCTAssertEqual(rows[2].optionalString(at: positions[2]), "three")
        XCTAssertThrowsError(try rows[1].string(at: positions[2]))
        // A prefix reads the prefixed columns; a layout's column the result lacks is named.
        XCTAssertEqual(try rows[2].prefixed("j_").positions(ColumnLayout(["s"])), [4])
        XCTAssertEqual(try rows[2].prefixed("j_").string("s"), "z")
        XCTAssertThrowsError(try rows[0].positions(ColumnLayout(["n", "missing"]))) { error in
            XCTAssertTrue("\(error)".contains("no column \"missing\""), "\(error)")
        }
        // Integer arrays: the fast way and the general one agree; NULL elements are refused.
        let arrays = try XCTUnwrap(connection.query("""
            SELECT '{}'::int[] AS e, '{7}'::int8[] AS one, ARRAY[1,-2,9223372036854775807]::int8[] AS many,
                   ARRAY[1,NULL]::int[] AS with_null, NULL::int[] AS absent
            """).first)
        XCTAssertEqual(try arrays.intArray(at: 0), [])
        XCTAssertEqual(try arrays.intArray(at: 1), [7])
        XCTAssertEqual(try arrays.intArray(at: 2), [1, -2, Int.max])
        XCTAssertEqual(try arrays.intArray(at: 2), try arrays.intArray("many"))
        XCTAssertThrowsError(try arrays.intArray(at: 3))
        XCTAssertThrowsError(try arrays.intArray(at: 4))
        // Text that is not an integer is a decoding error naming the column.
        let text = try XCTUnwrap(connection.query("SELECT '12a' AS n, '+5' AS p").first)
        XCTAssertThrowsError(try text.int(at: 0)) { error in XCTAssertTrue("\(error)".contains("column \"n\""), "\(error)") }
        XCTAssertEqual(try text.int(at: 1), 5)
    }

    func testScalarTypesRoundTripAsParameters() throws {
        let row = try XCTUnwrap(connection.query(
            "SELECT $1::int8 AS i, $2::int4 AS i32, $3::float8 AS d, $4::bool AS b, $5::text AS s, $6::uuid AS u, $7::bytea AS bytes",
            [.int(Int.max), .int32(-7), .double(0.1), .bool(true), .text("it's \"quoted\" \\ ; DROP TABLE x"),
             .uuid("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), .bytea([0, 1, 254, 255])]).first)
        XCTAssertEqual(try row.int("i"), Int.max)
        XCTAssertEqual(try row.decode(Int32.self, "i32"), -7)
        XCTAssertEqual(try row.double("d"), 0.1)
        XCTAssertEqual(try row.bool("b"), true)
        XCTAssertEqual(try row.string("s"), "it's \"quoted\" \\ ; DROP TABLE x")
        XCTAssertEqual(try row.uuid("u"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        XCTAssertEqual(try row.bytes("bytes"), [0, 1, 254, 255])
    }

    func testNumericStaysExact() throws {
        let value = try XCTUnwrap(PGNumeric("12345678901234567890.12"))
        let row = try XCTUnwrap(connection.query("SELECT $1::numeric AS n, $1::numeric + 0.01 AS m", [.numeric(value)]).first)
        XCTAssertEqual(try row.numeric("n").text, "12345678901234567890.12")
        XCTAssertEqual(try row.numeric("m").text, "12345678901234567890.13")
        let money = PGNumeric(units: -12345, scale: 2)
        XCTAssertEqual(money.text, "-123.45")
        let back = try XCTUnwrap(connection.query("SELECT $1::numeric(10,2) AS n", [.numeric(money)]).first)
        XCTAssertEqual(try back.numeric("n").units(scale: 2), -12345)
        XCTAssertEqual(PGNumeric(units: 5, scale: 3).text, "0.005")
        XCTAssertNil(PGNumeric("1.234")?.units(scale: 2), "dropping a nonzero digit must not be silent")
        XCTAssertNil(PGNumeric("1e5"))
    }

    // Dates, times and timestamps are ISO text with their type's OID both ways
    // (ClinicDomain's time model formats and parses them).
    func testDatesTimesAndTimestampsTravelAsTypedText() throws {
        try connection.execute("SET TIME ZONE 'UTC'")
        let row = try XCTUnwrap(connection.query(
            """
            SELECT $1 AS d, $2 AS t, $3 AS ts, pg_typeof($1)::text AS d_type, pg_typeof($2)::text AS t_type,
                   pg_typeof($3)::text AS ts_type, '2024-02-29 23:30:00-05:30'::timestamptz AS offset_ts,
                   extract(epoch FROM $3)::int8 AS epoch
            """,
            [.date("2024-02-29"), .time("23:59:58"), .timestamp("2025-03-30T01:02:03.456789Z")]).first)
        XCTAssertEqual(try row.string("d"), "2024-02-29")
        XCTAssertEqual(try row.string("t"), "23:59:58")
        XCTAssertEqual(try row.string("ts"), "2025-03-30 01:02:03.456789+00")
        XCTAssertEqual(try row.string("d_type"), "date")
        XCTAssertEqual(try row.string("t_type"), "time without time zone")
        XCTAssertEqual(try row.string("ts_type"), "timestamp with time zone")
        XCTAssertEqual(try row.string("offset_ts"), "2024-03-01 05:00:00+00")
        XCTAssertEqual(try row.int("epoch"), 1_743_296_523)
    }

    func testNowAgreesWithTheServerClock() throws {
        let before = Int(Date().timeIntervalSince1970)
        let server = try XCTUnwrap(connection.query("SELECT extract(epoch FROM clock_timestamp())::int8 AS t").first).int("t")
        XCTAssertLessThanOrEqual(abs(server - before), 5)
    }

    func testNullsDecodeAsNilAndThrowForNonOptionalAccessors() throws {
        let row = try XCTUnwrap(connection.query("SELECT $1::int AS n, $2::text AS s", [nil, nil]).first)
        XCTAssertNil(try row.optionalInt("n"))
        XCTAssertNil(try row.optionalString("s"))
        XCTAssertThrowsError(try row.int("n")) { error in
            guard case .decoding = error as? PostgresError else { return XCTFail("\(error)") }
        }
    }

    func testDecodingMismatchesThrowInsteadOfCrashing() throws {
        let row = try XCTUnwrap(connection.query("SELECT 'abc'::text AS s, 1.5::numeric AS n").first)
        XCTAssertThrowsError(try row.int("s"))
        XCTAssertThrowsError(try row.int("n"))
        XCTAssertThrowsError(try row.numeric("s"))
        XCTAssertThrowsError(try row.int("no_such_column"))
    }

    func testUnicodeTextRoundTrips() throws {
        let text = "Zoë Ñandú — 東京 🩺 \u{0301}é"
        let row = try XCTUnwrap(connection.query("SELECT $1::text AS s, length($1::text) AS n", [.text(text)]).first)
        XCTAssertEqual(try row.string("s"), text)
        XCTAssertEqual(try row.int("n"), text.unicodeScalars.count)
    }

    /// Parameters travel as C strings built in one buffer per statement: short, empty, null and
    /// 1 MiB ones side by side arrive intact, when the statement is prepared and when it is
    /// reused; a NUL anywhere is refused before anything is sent, and the connection works on.
    func testParametersOfEverySizeArriveIntactAndANulIsRefused() throws {
        let big = String(repeating: "añ", count: 1 << 19)
        let sql = "SELECT $1::text AS a, $2::text AS b, $3::text AS c, length($4::text) AS n, $5::text AS e"
        for _ in 0..<2 {  // the first run prepares the statement, the second reuses it
            let row = try XCTUnwrap(connection.query(sql, [.text("1"), nil, .text(""), .text(big), .text("{7}")]).first)
            XCTAssertEqual(try row.string("a"), "1")
            XCTAssertNil(try row.optionalString("b"))
            XCTAssertEqual(try row.string("c"), "")
            XCTAssertEqual(try row.int("n"), big.unicodeScalars.count)
            XCTAssertEqual(try row.string("e"), "{7}")
        }
        for bad in ["a\u{0}b", "\u{0}", big + "\u{0}"] {
            XCTAssertThrowsError(try connection.query(sql, [.text("1"), nil, .text(""), .text(bad), .text("x")])) {
                XCTAssertEqual($0 as? PostgresError, .encoding("a parameter contains a NUL character, which PostgreSQL text cannot hold"))
            }
        }
        XCTAssertEqual(try connection.query("SELECT 1 AS one").first?.int("one"), 1)
    }

    func testArraysBindToAnyAndDecode() throws {
        try connection.execute("CREATE TABLE items (id int PRIMARY KEY, name text, flag bool, ref uuid)")
        for id in 1...5 {
            try connection.query("INSERT INTO items VALUES ($1, $2, $3, $4)",
                                 [.int(id), .text("item \(id), \"x\""), .bool(id % 2 == 0), .uuid("00000000-0000-0000-0000-00000000000\(id)")])
        }
        let byID = try connection.query("SELECT id FROM items WHERE id = ANY($1) ORDER BY id", [.intArray([2, 4, 9])])
        XCTAssertEqual(try byID.rows.map { try $0.int("id") }, [2, 4])
        let byName = try connection.query("SELECT id FROM items WHERE name = ANY($1) ORDER BY id", [.textArray(["item 3, \"x\"", "nope"])])
        XCTAssertEqual(try byName.rows.map { try $0.int("id") }, [3])
        let byRef = try connection.query("SELECT id FROM items WHERE ref = ANY($1)", [.uuidArray(["00000000-0000-0000-0000-000000000005"])])
        XCTAssertEqual(try byRef.rows.map { try $0.int("id") }, [5])
        let arrays = try XCTUnwrap(connection.query(
            "SELECT array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names, array_agg(flag ORDER BY id) AS flags, $1::bool[] AS echoed FROM items",
            [.boolArray([true, false])]).first)
        XCTAssertEqual(try arrays.intArray("ids"), [1, 2, 3, 4, 5])
        XCTAssertEqual(try arrays.stringArray("names")[2], "item 3, \"x\"")
        XCTAssertEqual(try arrays.boolArray("flags"), [false, true, false, true, false])
        XCTAssertEqual(try arrays.boolArray("echoed"), [true, false])
        XCTAssertEqual(try XCTUnwrap(connection.query("SELECT '{}'::int[] AS e").first).intArray("e"), [])
        XCTAssertThrowsError(try XCTUnwrap(connection.query("SELECT '{1,NULL}'::int[] AS e").first).intArray("e"))
    }

    func testSQLStatesMapToErrorHelpers() throws {
        try connection.execute("""
            CREATE EXTENSION IF NOT EXISTS btree_gist;
            CREATE TABLE parents (id int PRIMARY KEY);
            CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE, age int CHECK (age >= 0), parent int REFERENCES parents);
            CREATE TABLE bookings (doctor int, during tstzrange, EXCLUDE USING gist (doctor WITH =, during WITH &&));
            """)
        try connection.query("INSERT INTO people (id, email, age) VALUES (1, 'a@x', 30)")
        func error(_ sql: String, _ parameters: [PostgresValue?] = []) -> PostgresError? {
            do { try connection.query(sql, parameters); return nil } catch { return error as? PostgresError }
        }
        let unique = error("INSERT INTO people (id, email) VALUES (2, 'a@x')")
        XCTAssertEqual(unique?.isUniqueViolation, true)
        XCTAssertEqual(unique?.constraint, "people_email_key")
        XCTAssertEqual(error("INSERT INTO people (id, age) VALUES (3, -1)")?.isCheckViolation, true)
        XCTAssertEqual(error("INSERT INTO people (id, parent) VALUES (4, 99)")?.isForeignKeyViolation, true)
        try connection.query("INSERT INTO bookings VALUES (1, tstzrange('2025-01-01 10:00Z', '2025-01-01 11:00Z'))")
        XCTAssertEqual(error("INSERT INTO bookings VALUES (1, tstzrange('2025-01-01 10:30Z', '2025-01-01 11:30Z'))")?.isExclusionViolation, true)
        XCTAssertNil(error("INSERT INTO bookings VALUES (2, tstzrange('2025-01-01 10:30Z', '2025-01-01 11:30Z'))"))
        XCTAssertEqual(error("SELECT $1::uuid", [.text("not-a-uuid")])?.sqlState, "22P02")
        XCTAssertEqual(error("SELEC 1")?.sqlState, "42601")
        XCTAssertTrue(connection.isHealthy, "SQL errors must not break the connection")
    }

    func testCopyInRoundTripsTypedRows() throws {
        try connection.execute("CREATE TABLE copied (id int8, name text, note text, amount numeric, at timestamptz)")
        var rows: [[PostgresValue?]] = []
        let iso = ISO8601DateFormatter()
        for id in 1...10_000 {
            let note: PostgresValue? = id % 3 == 0 ? nil : .text("n\(id)")
            let amount = PostgresValue.numeric(PGNumeric(units: Int64(id), scale: 2))
            let at = PostgresValue.timestamp(iso.string(from: Date(timeIntervalSince1970: Double(id * 60))))
            rows.append([.int(id), .text("name\t\(id)\nline \\ end"), note, amount, at])
        }
        XCTAssertEqual(try connection.copyIn("COPY copied FROM STDIN", rows: rows), 10_000)
        let check = try XCTUnwrap(connection.query(
            "SELECT count(*) AS n, count(note) AS notes, sum(amount) AS total, extract(epoch FROM max(at))::int8 AS latest FROM copied").first)
        XCTAssertEqual(try check.int("n"), 10_000)
        XCTAssertEqual(try check.int("notes"), 10_000 - 3333)
        XCTAssertEqual(try check.numeric("total").text, "500050.00")
        XCTAssertEqual(try check.int("latest"), 600_000)
        let one = try XCTUnwrap(connection.query("SELECT name FROM copied WHERE id = 7").first)
        XCTAssertEqual(try one.string("name"), "name\t7\nline \\ end")
        XCTAssertEqual(try connection.copyIn("COPY copied (id, name) FROM STDIN", chunks: ["1\ta\n2\tb\n", "3\tc\n"]), 3)
        XCTAssertThrowsError(try connection.copyIn("COPY copied (id) FROM STDIN", chunks: ["not a number\n"]))
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM copied").first?.int("n"), 10_003)
    }

    func testStatementCounterCountsEveryStatementExactly() throws {
        try connection.execute("CREATE TABLE items_for_count (x int)")
        let counter = StatementCounter()
        connection.statementCounter = counter
        try connection.query("SELECT 1")
        try connection.query("SELECT 1")  // cached prepared statement: still one statement
        try connection.query("SELECT $1::int", [.int(2)])
        try connection.execute("SELECT 1; SELECT 2")
        _ = try? connection.query("SELECT * FROM missing_table")
        try connection.copyIn("COPY items_for_count FROM STDIN", chunks: ["1\n"])
        XCTAssertEqual(counter.count, 6)
        XCTAssertEqual(counter.reset(), 6)
        XCTAssertEqual(counter.count, 0)
    }

    func testPreparedStatementIsPreparedOncePerConnection() throws {
        for value in 1...5 { try connection.query("SELECT $1::int + 1 AS x", [.int(value)]) }
        let prepared = try connection.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1",
                                             [.text("SELECT $1::int + 1 AS x")])
        XCTAssertEqual(try prepared.first?.int("n"), 1)
    }

    func testCachedStatementSurvivesASchemaChange() throws {
        try connection.execute("CREATE TABLE evolving (a int); INSERT INTO evolving VALUES (1)")
        XCTAssertEqual(try connection.query("SELECT * FROM evolving").columns, ["a"])
        try connection.execute("ALTER TABLE evolving ADD COLUMN b int")
        XCTAssertEqual(try connection.query("SELECT * FROM evolving").columns, ["a", "b"])
    }

    func testStatementsDeallocatedBehindTheCacheArePreparedAgain() throws {
        XCTAssertEqual(try connection.query("SELECT $1::int * 3 AS v", [.int(2)]).first?.int("v"), 6)
        try connection.execute("DEALLOCATE ALL")
        XCTAssertEqual(try connection.query("SELECT $1::int * 3 AS v", [.int(3)]).first?.int("v"), 9)
    }

    func testMultiStatementScriptRunsAndAffectedRowsAreReported() throws {
        try connection.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2), (3);")
        let update = try connection.query("UPDATE t SET x = x + 1 WHERE x >= $1", [.int(2)])
        XCTAssertEqual(update.affectedRows, 2)
        XCTAssertEqual(update.commandTag, "UPDATE 2")
    }

    func testConnectionErrorsNeverShowThePassword() {
        XCTAssertThrowsError(try Connection("postgresql://clinic:Sup3rSecretPw@127.0.0.1:1/clinic?connect_timeout=2")) { error in
            let text = "\(error)"
            XCTAssertFalse(text.contains("Sup3rSecretPw"), text)
            guard case .connection = error as? PostgresError else { return XCTFail("\(error)") }
        }
    }
}
