import APWire
import Foundation
import PGDriver

/// Who a write is made by, and from where: every row it writes lands in the audit log under this name.
public struct Actor: Sendable, Equatable {
    /// `staff:<id>`, `worker` or `system`.
    public let name: String
    public let staffId: UUID?
    /// Where the request came from: "cli", "service 10.0.0.7", "worker".
    public let origin: String
    /// The premises whose rows the database lets this actor see and write (row-level security); nil
    /// for every premises.
    public var premises: Set<UUID>? = nil

    init(name: String, staffId: UUID?, origin: String, premises: Set<UUID>? = nil) {
        self.name = name
        self.staffId = staffId
        self.origin = origin
        self.premises = premises
    }

    /// `premises` as the database's ap.premises setting: "*" for every premises, else the ids.
    var premisesScope: String {
        premises.map { $0.map { $0.uuidString.lowercased() }.sorted().joined(separator: ",") } ?? "*"
    }

    public static func staff(_ id: UUID, origin: String) -> Actor {
        Actor(name: "staff:\(id.uuidString.lowercased())", staffId: id, origin: origin)
    }
    public static func worker(origin: String = "worker") -> Actor {
        Actor(name: "worker", staffId: nil, origin: origin)
    }
    public static let system = Actor(name: "system", staffId: nil, origin: "system")

    /// Someone running an `ap-server` command on a person's records (an import, a subject access request), by
    /// the name they gave: the audit trail says who, not just "system".
    public static func operating(_ name: String, tool: String) -> Actor {
        Actor(name: "operator:\(name)", staffId: nil, origin: tool)
    }
}

extension PGConnection {
    /// Runs `body` in a transaction (or the caller's) attributed to `actor`, with the privileges of the
    /// application role ap_app: it may add to the log and the audit trail but never alter them.
    @discardableResult
    public func acting<T>(as actor: Actor, _ body: (PGConnection) throws -> T) throws -> T {
        let (prelude, label) = Self.settings(of: actor)
        // A new transaction sends its settings with BEGIN, in one round trip; one already acting for
        // the same actor (a store call inside a service request) has them in force already.
        if transactionState == .idle { return try transaction(prelude: prelude, label: label, body) }
        if transactionLabel != label {
            _ = try pipeline(prelude)
            transactionLabel = label
        }
        return try body(self)
    }

    /// This connection, usable only as `actor`: what a request's single-statement store calls take
    /// (`MovementStore.record`, `MovementStore.roll`), so that they can never run as the owner, whom
    /// row-level security does not limit.
    public func asActor(_ actor: Actor) -> ActingConnection { ActingConnection(connection: self, actor: actor) }

    /// One statement run as `acting` runs it. With no transaction open, BEGIN, the actor's settings,
    /// the statement and COMMIT go to the server together: one round trip instead of three, which a
    /// read the shift makes every few seconds (who is in) is worth.
    public func acting(as actor: Actor, _ statement: PGStatement) throws -> PGResult {
        guard transactionState == .idle else {
            return try acting(as: actor) { c in try c.query(statement.sql, statement.params) }
        }
        let results = try pipeline(
            [PGStatement("BEGIN")] + Self.settings(of: actor).prelude + [statement, PGStatement("COMMIT")])
        return results[results.count - 2]
    }

    static func settings(of actor: Actor) -> (prelude: [PGStatement], label: String) {
        let premises = actor.premisesScope
        // set_config('role', ...) is SET LOCAL ROLE: one statement instead of two on every request.
        let prelude = [
            PGStatement(
                """
                SELECT set_config('ap.actor', $1, true), set_config('ap.origin', $2, true), set_config('ap.premises',
                    $3, true),
                       set_config('role', 'ap_app', true)
                """, [actor.name, actor.origin, premises])
        ]
        return (prelude, "acting \(actor.name) \(actor.origin) \(premises)")
    }
}

public enum AuditStore {
    public struct Record: Sendable, Equatable {
        public let actor: String
        public let origin: String
        public let action: String
        public let table: String
        public let columns: [String]
        public init(actor: String, origin: String, action: String, table: String, columns: [String]) {
            self.actor = actor
            self.origin = origin
            self.action = action
            self.table = table
            self.columns = columns
        }
    }

    /// Records that `actor` read a row (a resident's full record, say).
    public static func recordRead(_ c: PGConnection, actor: Actor, table: String, rowId: UUID) throws {
        try c.acting(as: actor) { c in try insertRead(c, table: table, rowId: rowId) }
    }

    /// The read's audit row, in a transaction already acting for someone.
    static func insertRead(_ c: PGConnection, table: String, rowId: UUID) throws {
        try c.query(
            "INSERT INTO audit_log (actor, origin, action, table_name, row_id) VALUES (current_actor(), "
                + "current_origin(), 'read', $1, $2)",
            [table, rowId.uuidString.lowercased()])
    }

    /// Records that a request was refused (no token, a token refused, a role or premises not allowed):
    /// who it was, if known, the route's template (never its concrete path or a token) and the status.
    public static func recordRefusal(_ c: PGConnection, actorName: String?, route: String, status: Int, code: String)
        throws
    {
        try c.acting(as: Actor(name: actorName ?? "anonymous", staffId: nil, origin: "api")) { c in
            try c.query(
                """
                INSERT INTO audit_log (actor, origin, action, table_name, columns) VALUES (current_actor(),
                    current_origin(), 'refused', $1, $2)
                """, [route, ["\(status)", code]])
        }
    }

    /// The audit entries of one row, oldest first.
    public static func entries(_ c: PGConnection, table: String, rowId: UUID) throws -> [Record] {
        try c.query(
            "SELECT actor, origin, action, table_name, columns FROM audit_log WHERE table_name = $1 AND row_id = $2 "
                + "ORDER BY id",
            [table, rowId.uuidString.lowercased()]
        ).map {
            Record(
                actor: try $0.decode("actor"), origin: try $0.decode("origin"), action: try $0.decode("action"),
                table: try $0.decode("table_name"), columns: try $0.decode("columns"))
        }
    }

    /// The hash-chained tables.
    public enum Chain: String, Sendable, CaseIterable {
        case movements
        case incidentVersions = "incident_versions"
        case alertAcknowledgements = "alert_acknowledgements"
    }

    /// The first entry (by its place in the premises' chain) whose hash or link does not hold, or nil
    /// when the whole chain verifies.
    public static func firstBreak(_ c: PGConnection, chain: Chain, premisesId: UUID) throws -> Int? {
        try c.query("SELECT chain_first_break($1::regclass, $2) AS seq", [chain.rawValue, premisesId])[0].decode(
            "seq", as: Int?.self)
    }
}

/// A connection that runs only as its actor: made by `PGConnection.asActor`, and taken by the store calls a
/// request makes without a transaction of its own. It does not give the connection back, so code that holds
/// one cannot run anything as the owner.
public struct ActingConnection {
    let connection: PGConnection
    public let actor: Actor
}
