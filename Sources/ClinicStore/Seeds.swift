// Demo and benchmark data: db/seed/*.sql run on one connection, with the
// passwords hashed by the caller handed to the script in a temporary table
// (and `clinic.scale` set for the scale script), and `clinic.now`: the caller's
// Clock, whose clinic-local date the scripts take for today.
import ClinicDomain
import Postgres

public enum SeedStore {
    public static func run(_ conn: Connection, script: String, passwordHashes: [(email: String, hash: String)], scale: Int?,
                           now: Instant) throws {
        _ = try conn.query("SELECT set_config('clinic.now', $1::timestamptz::text, false)", [now.postgresValue])
        try conn.execute("CREATE TEMP TABLE seed_password_hashes (email text PRIMARY KEY, hash text NOT NULL)")
        for (email, hash) in passwordHashes {
            _ = try conn.query("INSERT INTO seed_password_hashes VALUES ($1, $2)", [.text(email), .text(hash)])
        }
        if let scale {
            _ = try conn.query("SELECT set_config('clinic.scale', $1, false)", [.text(String(scale))])
        }
        try conn.execute(script)
    }
}
