import APDomain
import APWire
import Foundation
import HummingbirdBcrypt
import PGDriver

/// Usernames and passwords for the pages (sql/0024_passwords.sql). The bcrypt hash is made and checked in this
/// process, on the caller's thread: callers run these on a pool connection's thread, never on an event loop.
public enum PasswordStore {
    /// bcrypt's cost: 2^cost rounds. Measured with `scripts/bench passwords` (BENCHMARKS.md): slow for a guesser,
    /// quick for a person signing in, and a sign-in holds a pool thread only that long.
    public static let cost: UInt8 = 11

    /// A bcrypt hash of `password`, with its own random salt.
    public static func hash(_ password: String, cost: UInt8 = cost) -> String { Bcrypt.hash(password, cost: cost) }

    public enum Refusal: Error, Sendable, Equatable {
        /// No such username, or not its password: said the same way, so that the answer tells nothing.
        case wrong
        case locked(until: Date)
    }

    /// Sets an account's username and password; `mustChange` for a first or reset password. Every session the
    /// account has open ends: whoever knew the old password is signed out.
    public static func set(
        _ c: PGConnection, actor: Actor, accountId: UUID, username: String, password: String, mustChange: Bool,
        now: Date
    ) throws {
        let username = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard PasswordRules.isUsername(username) else {
            throw StoreError.invalid(
                "username-format",
                "a username is 3 to 40 lower-case letters, digits, dots, dashes or underscores, starting with a "
                    + "letter", field: "username")
        }
        if let refusal = PasswordRules.refusal(password, username: username) {
            throw StoreError.invalid("password-weak", refusal, field: "password")
        }
        let hash = hash(password)
        try c.acting(as: actor) { c in
            let updated = try translating {
                try c.query(
                    """
                    UPDATE accounts SET username = $2, password_hash = $3, password_must_change = $4,
                        failed_sign_ins = 0, locked_until = NULL
                    WHERE id = $1 AND role <> 'worker'
                    """, [accountId, username, hash, mustChange]
                ).affectedRows
            }
            if updated == 0 { throw StoreError.notFound("account", field: "accountId") }
            try c.query(
                "UPDATE web_sessions SET ended_at = $2 WHERE account_id = $1 AND ended_at IS NULL", [accountId, now])
        }
    }

    /// The account a username and password are, and whether the password must be changed now; or why not. A
    /// wrong password counts towards the lock; the right one clears the count. Every refusal is in the audit trail
    /// (the account, never the password tried).
    public static func check(_ c: PGConnection, username: String, password: String, now: Date) throws
        -> Result<(principal: Principal, mustChange: Bool), Refusal>
    {
        let username = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard
            let row = try c.query(
                """
                SELECT \(AccountStore.columns), password_hash, password_must_change, failed_sign_ins, locked_until,
                       (SELECT array_agg(premises_id) FROM staff_premises sp WHERE sp.staff_id = a.staff_id) AS premises
                FROM accounts a WHERE username = $1 AND disabled_at IS NULL AND password_hash IS NOT NULL
                """, [username]
            ).first
        else {
            // The same work as for a real account, so that the time taken does not tell which usernames exist.
            _ = Bcrypt.verify(password, hash: dummy)
            return .failure(.wrong)
        }
        let account = try AccountStore.account(row)
        if let until: Date = try row.decode("locked_until"), until > now {
            try AuditStore.recordRefusal(
                c, actorName: "account:\(account.id)", route: "sign-in", status: 423, code: "locked")
            return .failure(.locked(until: until))
        }
        guard Bcrypt.verify(password, hash: try row.decode("password_hash")) else {
            let failures = try row.decode("failed_sign_ins", as: Int.self) + 1
            let lock = failures >= PasswordRules.lockAfter ? now.addingTimeInterval(PasswordRules.lockFor) : nil
            try c.acting(as: .system) { c in
                try c.query(
                    "UPDATE accounts SET failed_sign_ins = $2, locked_until = $3 WHERE id = $1",
                    [account.id, lock == nil ? failures : 0, lock])
            }
            try AuditStore.recordRefusal(
                c, actorName: "account:\(account.id)", route: "sign-in", status: 401,
                code: lock == nil ? "wrong-password" : "locked-now")
            return .failure(lock.map { .locked(until: $0) } ?? .wrong)
        }
        if try row.decode("failed_sign_ins", as: Int.self) > 0 {
            try c.acting(as: .system) { c in
                try c.query("UPDATE accounts SET failed_sign_ins = 0 WHERE id = $1", [account.id])
            }
        }
        let premises = try row.decode("premises", as: [UUID]?.self) ?? []
        return .success(
            (
                Principal(account: account, premisesIds: account.role == .admin ? nil : Set(premises)),
                try row.decode("password_must_change")
            ))
    }

    /// A first password: four words and two digits from the system's random source, easy to read out to someone,
    /// hard to guess; to be changed at the first sign-in.
    public static func firstPassword() -> String {
        let words = [
            "amber", "bridge", "cedar", "delta", "ember", "fable", "garnet", "harbour", "island", "juniper",
            "kestrel", "lantern", "meadow", "nimbus", "orchard", "pebble", "quartz", "river", "saffron",
            "thistle", "umber", "velvet", "willow", "yonder", "zephyr", "copper", "falcon", "granite",
        ]
        var random = SystemRandomNumberGenerator()
        return (0..<4).map { _ in words.randomElement(using: &random)! }.joined(separator: "-")
            + "-\(Int.random(in: 10...99, using: &random))"
    }

    /// The accounts of the staff who work at a premises, each with its username, whether it has a password, and
    /// until when it is locked.
    public static func accounts(_ c: PGConnection, premisesId: UUID, now: Date) throws
        -> [(account: Account, username: String?, hasPassword: Bool, lockedUntil: Date?)]
    {
        try c.query(
            """
            SELECT \(AccountStore.columns), username, password_hash IS NOT NULL AS has_password,
                   CASE WHEN locked_until > $2 THEN locked_until END AS locked_until
            FROM accounts a
            WHERE disabled_at IS NULL AND staff_id IN (SELECT staff_id FROM staff_premises WHERE premises_id = $1)
            ORDER BY name
            """, [premisesId, now]
        ).map {
            (
                try AccountStore.account($0), try $0.decode("username"), try $0.decode("has_password"),
                try $0.decode("locked_until")
            )
        }
    }

    /// A username for someone who has none: their name in lower case, words joined by dots ("sam.smith"), with a
    /// number when it is taken.
    public static func suggestedUsername(_ c: PGConnection, name: String) throws -> String {
        let words = name.lowercased().unicodeScalars.split { !CharacterSet.lowercaseLetters.contains($0) }
            .map { String(String.UnicodeScalarView($0)) }.filter { $0.allSatisfy(\.isASCII) }
        var base = words.joined(separator: ".")
        if base.count < 3 || !(base.first?.isLetter ?? false) { base = "staff" }
        base = String(base.prefix(36))
        for n in 0..<1000 {
            let candidate = n == 0 ? base : "\(base)\(n)"
            if try c.query("SELECT 1 FROM accounts WHERE username = $1", [candidate]).isEmpty { return candidate }
        }
        return "\(base).\(UUID().uuidString.prefix(4).lowercased())"
    }

    /// The account's username, when it has a password.
    public static func username(_ c: PGConnection, accountId: UUID) throws -> String? {
        try c.query("SELECT username FROM accounts WHERE id = $1 AND password_hash IS NOT NULL", [accountId]).first?
            .decode("username")
    }

    /// A hash of nothing anyone knows, checked against when the username does not exist.
    static let dummy = Bcrypt.hash("no account has this password \(UUID())", cost: cost)
}
