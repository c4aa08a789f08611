import APDomain
import APWire
import Foundation
import PGDriver

/// Who a request acts as, once its token is accepted: the account, and the premises it may see
/// (every premises for admin and worker accounts).
public struct Principal: Sendable, Equatable {
    public let account: Account
    /// Nil: every premises.
    public let premisesIds: Set<UUID>?
    public var actor: Actor {
        // An account with no staff member is a system's: the worker's, or an integration's (named by its id).
        var actor =
            account.staffId.map { Actor.staff($0, origin: "api") }
            ?? (account.role == .integration
                ? Actor(name: "integration:\(account.id.uuidString.lowercased())", staffId: nil, origin: "api")
                : .worker(origin: "api"))
        actor.premises = premisesIds
        return actor
    }
    public func maySee(premises id: UUID) -> Bool { premisesIds?.contains(id) ?? true }
}

public enum AccountStore {
    static let columns = "id, staff_id, name, role"
    static func account(_ row: PGRow) throws -> Account {
        Account(
            id: try row.decode("id"), staffId: try row.decode("staff_id"), name: try row.decode("name"),
            role: try row.value("role"))
    }

    /// An account for a staff member (their role is the account's), or the worker's service account.
    public static func create(_ c: PGConnection, actor: Actor, staffId: UUID?, name: String, role: Account.Role) throws
        -> Account
    {
        try requireText(name, field: "name")
        guard [.worker, .integration].contains(role) == (staffId == nil) else {
            throw StoreError.invalid(
                "account-kind", "a worker or integration account has no staff member; every other account has one",
                field: "staffId")
        }
        return try c.acting(as: actor) { c in
            try translating {
                try account(
                    c.query(
                        "INSERT INTO accounts (staff_id, name, role) VALUES ($1, $2, $3) RETURNING \(columns)",
                        [staffId, name, role.rawValue])[0])
            }
        }
    }

    /// Issues a token valid for `validFor`. The returned secret is the only copy: it is not kept.
    public static func issueToken(_ c: PGConnection, actor: Actor, accountId: UUID, validFor: TimeInterval, now: Date)
        throws -> (secret: String, info: TokenInfo)
    {
        guard validFor > 0, validFor <= 366 * 86_400 else {
            throw StoreError.invalid("token-lifetime", "a token lives from a minute to a year", field: "validFor")
        }
        var generator = SystemRandomNumberGenerator()  // the operating system's cryptographic source
        let secret =
            "ap_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let info = try c.acting(as: actor) { c in
            try translating {
                try c.query(
                    """
                    INSERT INTO api_tokens (account_id, token_hash, prefix, created_at, expires_at) VALUES ($1, $2, $3,
                        $4, $5)
                    RETURNING id, prefix, created_at, expires_at, revoked_at
                    """,
                    [accountId, SHA256.hex(secret), String(secret.prefix(9)), now, now.addingTimeInterval(validFor)]
                ).map {
                    TokenInfo(
                        id: try $0.decode("id"), prefix: try $0.decode("prefix"),
                        createdAt: try $0.decode("created_at"),
                        expiresAt: try $0.decode("expires_at"), revokedAt: try $0.decode("revoked_at"))
                }[0]
            }
        }
        return (secret, info)
    }

    public enum Refusal: String, Error, Sendable, Equatable { case unknown, expired, revoked, disabled }

    /// The principal a token stands for, or why it is refused. Only the token's hash is looked up.
    public static func authenticate(_ c: PGConnection, token: String, now: Date) throws -> Result<Principal, Refusal> {
        guard token.hasPrefix("ap_"), token.count == 67 else { return .failure(.unknown) }
        guard
            let row = try c.query(
                """
                SELECT a.id, a.staff_id, a.name, a.role, a.disabled_at, t.expires_at, t.revoked_at,
                       (SELECT array_agg(premises_id) FROM staff_premises sp WHERE sp.staff_id = a.staff_id) AS premises
                FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1
                """, [SHA256.hex(token)]
            ).first
        else { return .failure(.unknown) }
        if try row.decode("revoked_at", as: Date?.self) != nil { return .failure(.revoked) }
        if try row.decode("expires_at", as: Date.self) <= now { return .failure(.expired) }
        if try row.decode("disabled_at", as: Date?.self) != nil { return .failure(.disabled) }
        let account = try account(row)
        let premises = try row.decode("premises", as: [UUID]?.self) ?? []
        return .success(
            Principal(
                account: account,
                premisesIds: [.admin, .worker, .integration].contains(account.role) ? nil : Set(premises)))
    }

    public static func revoke(_ c: PGConnection, actor: Actor, tokenId: UUID, now: Date) throws {
        try c.acting(as: actor) { c in
            let n = try c.query(
                "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [tokenId, now]
            ).affectedRows
            if n == 0 { throw StoreError.notFound("token", field: "tokenId") }
        }
    }

    public static func tokens(_ c: PGConnection, accountId: UUID) throws -> [TokenInfo] {
        try c.query(
            "SELECT id, prefix, created_at, expires_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY "
                + "created_at",
            [accountId]
        ).map {
            TokenInfo(
                id: try $0.decode("id"), prefix: try $0.decode("prefix"), createdAt: try $0.decode("created_at"),
                expiresAt: try $0.decode("expires_at"), revokedAt: try $0.decode("revoked_at"))
        }
    }

    /// The first admin: a staff member, their admin account and a token, made only while there is no
    /// admin account at all (an advisory lock keeps two bootstraps apart).
    public static func bootstrapAdmin(_ c: PGConnection, name: String, validFor: TimeInterval, now: Date) throws -> (
        account: Account, secret: String
    ) {
        try c.acting(as: .system) { c in
            try c.query("SELECT pg_advisory_xact_lock(7112025003)")
            if try c.query("SELECT 1 FROM accounts WHERE role = 'admin'").first != nil {
                throw StoreError.conflict(
                    "admin-exists", "an admin account exists already: ask an admin for an account instead")
            }
            let staff = try PremisesStore.addStaff(c, name: name, role: .admin, premisesIds: [])
            let account = try create(c, actor: .system, staffId: staff.id, name: name, role: .admin)
            return (
                account, try issueToken(c, actor: .system, accountId: account.id, validFor: validFor, now: now).secret
            )
        }
    }
}
