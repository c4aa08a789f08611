import CLibPQ
import Foundation

/// How to reach the server and how each session is set up.
public struct PGConfig: Sendable {
    /// A PostgreSQL URL (`postgresql://user@host/db?...`) or a conninfo string (`host=... dbname=...`).
    public var url: String
    public var applicationName: String
    /// Cancels any statement that runs longer (PostgreSQL's `statement_timeout`); nil for none.
    public var statementTimeout: Duration?
    public var connectTimeoutSeconds: Int
    /// Overrides the database named in `url` (tests use one database each on the same server).
    public var database: String?

    public init(
        url: String, database: String? = nil, applicationName: String = "ap", statementTimeout: Duration? = nil,
        connectTimeoutSeconds: Int = 5
    ) {
        self.url = url
        self.database = database
        self.applicationName = applicationName
        self.statementTimeout = statementTimeout
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// `DATABASE_URL` from the environment.
    public static func fromEnvironment(applicationName: String = "ap") throws -> PGConfig {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw PGError(.client, "DATABASE_URL is not set: set it to a PostgreSQL URL, or run scripts/db to get one")
        }
        return PGConfig(url: url, applicationName: applicationName)
    }
}

/// One session with the server. Its calls block the calling thread until the server answers, so it is
/// used on a dedicated thread (the pool's, the listener's) and never on an event loop or the
/// cooperative pool. Not thread-safe: one thread at a time.
public final class PGConnection {
    let pg: OpaquePointer
    var bindings = Bindings()
    /// What the open transaction was begun as (its `label`), so that code running inside it can tell
    /// whether its own settings are already in force. Only a transaction run by `transaction(...)` has
    /// one: nil otherwise, and setting it then does nothing (a hand-made BEGIN is not tracked).
    public var transactionLabel: String? {
        get { inTransactionCall ? label : nil }
        set { if inTransactionCall { label = newValue } }
    }
    var label: String?
    var inTransactionCall = false
    private var prepared: [String: (name: String, types: [Oid])] = [:]
    private var nextStatement = 0
    /// Prepared statements kept per connection; beyond this, statements run unnamed.
    public static let preparedCacheLimit = 512

    public init(_ config: PGConfig) throws(PGError) {
        var options = "-c TimeZone=UTC"
        if let timeout = config.statementTimeout {
            let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            options += " -c statement_timeout=\(ms)"
        }
        // The URL is expanded first; the keys after it override what it says about encoding and options.
        // A second dbname entry is a plain database name (libpq expands only the first).
        var keys = ["dbname", "client_encoding", "application_name", "options", "connect_timeout"]
        var values = [config.url, "UTF8", config.applicationName, options, String(config.connectTimeoutSeconds)]
        if let database = config.database {
            keys.append("dbname")
            values.append(database)
        }
        let conn: OpaquePointer? = withCStrings(keys) { k in
            withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn else { throw PGError(.connectionFailed, "out of memory while connecting") }
        if PQstatus(conn) != CONNECTION_OK {
            let message = PGConnection.clean(PQerrorMessage(conn))
            PQfinish(conn)
            throw PGError(.connectionFailed, "could not connect to the database: \(message)")
        }
        // libpq prints notices to stderr by default; a notice can quote data, so it goes nowhere.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        pg = conn
    }

    deinit { PQfinish(pg) }

    /// Runs one statement with parameters `$1`, `$2`, ... and returns its rows.
    /// With `prepare` (the default) the statement is parsed once per connection and then only bound
    /// and executed, which saves the server's parse and plan on every later call.
    @discardableResult
    public func query(_ sql: String, _ params: [any PGEncodable] = [], prepare: Bool = true) throws(PGError) -> PGResult
    {
        bindings.set(params)
        if prepare, let name = try preparedName(for: sql) {
            let result = bindings.withPointers { n, _, values, lengths, formats in
                PQexecPrepared(pg, name, n, values, lengths, formats, 1)
            }
            do {
                return try check(result)
            } catch  where error.sqlState == "0A000" || error.sqlState == "26000" {
                // The schema changed under a cached plan ("cached plan must not change result type"),
                // or the statement was deallocated: forget it, and outside a transaction try once more.
                prepared[sql] = nil
                _ = PQexec(pg, "DEALLOCATE \(name)").map { PQclear($0) }
                guard transactionState == .idle else { throw error }
                return try query(sql, params, prepare: true)
            }
        }
        let result = bindings.withPointers { n, types, values, lengths, formats in
            PQexecParams(pg, sql, n, types, values, lengths, formats, 1)
        }
        return try check(result)
    }

    /// Runs SQL with no parameters through the simple protocol: several statements are allowed
    /// (migrations, `BEGIN`). Returns the last statement's result.
    @discardableResult
    public func execute(_ sql: String) throws(PGError) -> PGResult {
        try check(PQexec(pg, sql))
    }

    /// Drops every cached prepared statement, here and on the server.
    func forgetPreparedStatements() {
        prepared.removeAll()
        if transactionState == .idle { _ = PQexec(pg, "DEALLOCATE ALL").map { PQclear($0) } }
    }

    /// The name of a cached prepared statement for `sql` with the current parameter types, preparing it
    /// on first use. Nil when the cache is full or the types differ from the cached ones.
    func preparedName(for sql: String) throws(PGError) -> String? {
        if let entry = prepared[sql] { return entry.types == bindings.types ? entry.name : nil }
        guard prepared.count < PGConnection.preparedCacheLimit else { return nil }
        nextStatement += 1
        let name = "ap\(nextStatement)"
        let result = bindings.types.withUnsafeBufferPointer { types in
            PQprepare(pg, name, sql, Int32(types.count), types.baseAddress)
        }
        _ = try check(result)
        prepared[sql] = (name, bindings.types)
        return name
    }

    func check(_ result: OpaquePointer?) throws(PGError) -> PGResult {
        guard let result else { throw connectionError() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_PIPELINE_SYNC:
            return PGResult(result)
        default:
            let error = PGConnection.error(from: result, connection: pg)
            PQclear(result)
            if error.kind == .connectionLost { prepared.removeAll() }
            throw error
        }
    }

    func connectionError() -> PGError {
        let message = PGConnection.clean(PQerrorMessage(pg))
        return PGError(
            PQstatus(pg) == CONNECTION_BAD ? .connectionLost : .client,
            message.isEmpty ? "no result from the server" : message)
    }

    static func error(from result: OpaquePointer, connection: OpaquePointer) -> PGError {
        func field(_ code: UInt8) -> String? {
            guard let p = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: p)
        }
        guard let state = field(UInt8(ascii: "C")) else {
            // No SQLSTATE: libpq itself failed, usually because the connection went away.
            let message = clean(PQresultErrorMessage(result))
            return PGError(PQstatus(connection) == CONNECTION_BAD ? .connectionLost : .client, message)
        }
        return PGError(
            PGError.kind(forSQLState: state), field(UInt8(ascii: "M")) ?? "", sqlState: state,
            detail: field(UInt8(ascii: "D")), hint: field(UInt8(ascii: "H")),
            constraint: field(UInt8(ascii: "n")), table: field(UInt8(ascii: "t")), column: field(UInt8(ascii: "c")))
    }

    static func clean(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: "; ")
    }

    // MARK: State

    /// Whether the session is still usable. Cheap: one non-blocking poll of the socket, no round trip.
    /// An idle session's socket is quiet. When the server restarts or kills the session it sends an
    /// ErrorResponse ('E') and closes, so a waiting 'E' or an end of file means the session is gone;
    /// anything else waiting (a notification, a notice, a parameter change) is harmless and consumed.
    public var isHealthy: Bool {
        guard PQstatus(pg) == CONNECTION_OK, PQtransactionStatus(pg) != PQTRANS_ACTIVE else { return false }
        let fd = PQsocket(pg)
        guard fd >= 0 else { return false }
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) <= 0 { return true }
            var first: UInt8 = 0
            let peeked = recv(fd, &first, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if peeked == 0 || first == UInt8(ascii: "E") { return false }
            if peeked < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }
            if PQconsumeInput(pg) == 0 || PQstatus(pg) != CONNECTION_OK { return false }
        }
    }

    public enum TransactionState: Sendable { case idle, active, inTransaction, failed, unknown }
    public var transactionState: TransactionState {
        switch PQtransactionStatus(pg) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .failed
        default: .unknown
        }
    }

    /// The server process serving this session (for pg_cancel_backend and pg_terminate_backend).
    public var backendPID: Int32 { PQbackendPID(pg) }
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer {
        for copy in copies { free(copy) }
    }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
