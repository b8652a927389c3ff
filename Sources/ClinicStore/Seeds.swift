// Demo and benchmark data: db/seed/*.sql run on one connection, with the
// passwords hashed by the caller handed to the script in a temporary table
// (and `clinic.scale` set for the scale script).
import Postgres

public enum SeedStore {
    public static func run(_ conn: Connection, script: String, passwordHashes: [(email: String, hash: String)], scale: Int?) throws {
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
