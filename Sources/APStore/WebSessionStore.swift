import APDomain
import APWire
import Foundation
import PGDriver

/// Sessions of the web dashboard. The cookie holds a random id; the database only its SHA-256. A session
/// opened with a token lives at most as long as the token; one opened with a password at most a shift. Both end
/// at sign-out, and every session of an account ends when its password is set.
public enum WebSessionStore {
    public struct Session: Sendable, Equatable {
        public let principal: Principal
        public let csrf: String
        public let expiresAt: Date
        /// Opened with a first or reset password: nothing but changing it until it is changed.
        public var passwordMustChange = false
    }

    /// A CSRF token for the sign-in form, before there is a session: a random nonce and its HMAC under the
    /// service's form key, so that only tokens this service issued are accepted (a client cannot choose
    /// one and send it as both the cookie and the form field).
    public static func newCSRF(key: String) -> String {
        let nonce = random()
        return nonce + "." + SHA256.hmacHex(key: key, "sign-in:" + nonce)
    }

    /// Whether `token` is one `newCSRF(key:)` made.
    public static func isIssuedCSRF(_ token: String, key: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else { return false }
        let expected = SHA256.hmacHex(key: key, "sign-in:" + parts[0])
        // Compared in constant time: every byte is looked at whatever differs first.
        return expected.utf8.count == parts[1].utf8.count
            && zip(expected.utf8, parts[1].utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The key that signs sign-in forms' CSRF tokens (sql/0019_web_form_key.sql). Read as the owner.
    public static func formKey(_ c: PGConnection) throws -> String {
        try c.query("SELECT key FROM web_form_key")[0].decode("key")
    }

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// Opens a session for the holder of `token`: the cookie's value and the session, or why the token was refused.
    public static func open(_ c: PGConnection, token: String, now: Date, lifetime: TimeInterval = 8 * 3600) throws
        -> Result<(id: String, session: Session), AccountStore.Refusal>
    {
        switch try AccountStore.authenticate(c, token: token, now: now) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let principal):
            let tokenRow = try c.query(
                "SELECT id, expires_at FROM api_tokens WHERE token_hash = $1", [SHA256.hex(token)])[0]
            let expires = min(now.addingTimeInterval(lifetime), try tokenRow.decode("expires_at", as: Date.self))
            return .success(try insert(c, principal, tokenId: try tokenRow.decode("id"), expires: expires))
        }
    }

    /// Opens a session for an account whose username and password were accepted (PasswordStore.check).
    public static func open(_ c: PGConnection, principal: Principal, passwordMustChange: Bool, now: Date) throws -> (
        id: String, session: Session
    ) {
        var opened = try insert(
            c, principal, tokenId: nil, expires: now.addingTimeInterval(PasswordRules.sessionLength))
        opened.session.passwordMustChange = passwordMustChange
        return opened
    }

    static func insert(_ c: PGConnection, _ principal: Principal, tokenId: UUID?, expires: Date) throws -> (
        id: String, session: Session
    ) {
        let id = random()
        let csrf = random()
        try c.acting(as: principal.actor) { c in
            try c.query(
                """
                INSERT INTO web_sessions (id_hash, account_id, token_id, csrf, expires_at) VALUES ($1, $2, $3, $4, $5)
                """,
                [SHA256.hex(id), principal.account.id, tokenId, csrf, expires])
        }
        return (id, Session(principal: principal, csrf: csrf, expiresAt: expires))
    }

    /// The live session a cookie names: not ended, not expired, its token neither revoked nor expired.
    public static func find(_ c: PGConnection, id: String, now: Date) throws -> Session? {
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { return nil }
        guard
            let row = try c.query(
                """
                SELECT s.csrf, s.expires_at, a.id, a.staff_id, a.name, a.role,
                       s.token_id IS NULL AND a.password_must_change AS must_change,
                       (SELECT array_agg(premises_id) FROM staff_premises sp WHERE sp.staff_id = a.staff_id) AS premises
                FROM web_sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN api_tokens t ON t.id = s.token_id
                WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2
                  AND (s.token_id IS NULL OR (t.revoked_at IS NULL AND t.expires_at > $2))
                  AND a.disabled_at IS NULL
                """, [SHA256.hex(id), now]
            ).first
        else { return nil }
        let account = try AccountStore.account(row)
        let premises = try row.decode("premises", as: [UUID]?.self) ?? []
        return Session(
            principal: Principal(
                account: account, premisesIds: account.role == .admin || account.role == .worker ? nil : Set(premises)),
            csrf: try row.decode("csrf"), expiresAt: try row.decode("expires_at"),
            passwordMustChange: try row.decode("must_change"))
    }

    public static func end(_ c: PGConnection, id: String, actor: Actor, now: Date) throws {
        try c.acting(as: actor) { c in
            try c.query(
                "UPDATE web_sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL", [SHA256.hex(id), now])
        }
    }
}
