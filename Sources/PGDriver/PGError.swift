/// An error from PostgreSQL, libpq, the pool, or decoding a row.
///
/// `description` is safe to log: it never contains parameter values or row data. The server's
/// `detail` (which can quote a row: "Key (crn)=(X320741) already exists") is kept in a field for
/// code that needs it but is never part of the description, and neither is the message of a data
/// exception (SQLSTATE class 22, whose messages quote the offending input).
public struct PGError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case uniqueViolation, exclusionViolation, foreignKeyViolation, checkViolation, notNullViolation
        case serializationFailure, deadlock
        case queryCanceled  // cancelled, or statement_timeout
        case connectionFailed  // could not connect at all
        case connectionLost  // the connection broke while in use
        case poolTimeout, poolClosed
        case decoding  // a column did not hold what the caller asked for
        case raised  // RAISE EXCEPTION from our own SQL (P0001): a rule of the schema
        case server  // any other SQLSTATE
        case client  // misuse of the driver
    }

    public var kind: Kind
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    public static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "23P01": return .exclusionViolation
        case "23503": return .foreignKeyViolation
        case "23514": return .checkViolation
        case "23502": return .notNullViolation
        case "40001": return .serializationFailure
        case "40P01": return .deadlock
        case "57014": return .queryCanceled
        case "P0001": return .raised
        case "57P01", "57P02", "57P03": return .connectionLost  // admin shutdown, crash shutdown, cannot connect now
        default: return state.hasPrefix("08") ? .connectionLost : .server
        }
    }

    /// True for errors worth retrying a whole transaction for.
    public var isTransient: Bool { kind == .serializationFailure || kind == .deadlock }
    /// True when the database could not be reached or went away: the caller may answer "try again later".
    public var isUnavailable: Bool {
        kind == .connectionFailed || kind == .connectionLost || kind == .poolTimeout || kind == .poolClosed
    }

    public var description: String {
        var text = "\(kind)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if sqlState?.hasPrefix("22") == true {
            text += ": invalid data"
        } else {
            text += ": \(message)"
        }
        var whereParts: [String] = []
        if let table { whereParts.append("table \(table)") }
        if let column { whereParts.append("column \(column)") }
        if let constraint { whereParts.append("constraint \(constraint)") }
        if !whereParts.isEmpty { text += " [" + whereParts.joined(separator: ", ") + "]" }
        return text
    }
}
