import CLibPQ
import Foundation

/// A statement queued for a pipeline.
public struct PGStatement: Sendable {
    public var sql: String
    public var params: [any PGEncodable]
    public init(_ sql: String, _ params: [any PGEncodable] = []) {
        self.sql = sql
        self.params = params
    }
}

extension PGConnection {
    /// Sends every statement without waiting for answers, then reads all the answers: one round trip
    /// for the lot instead of one each. Statements run in order, each in its own implicit transaction
    /// unless the pipeline starts with BEGIN. The first failing statement's error is thrown; the
    /// statements after it in the pipeline are not run.
    ///
    /// Runs libpq in non-blocking mode while it writes, so that a large pipeline cannot deadlock with
    /// the server on full socket buffers.
    public func pipeline(_ statements: [PGStatement]) throws(PGError) -> [PGResult] {
        if statements.isEmpty { return [] }
        let startedIdle = transactionState == .idle
        // The statements go through the prepared-statement cache as `query` does (preparing one costs a
        // round trip, once per connection, and must happen before pipeline mode): otherwise every
        // statement in every pipeline would be parsed and planned again.
        let names = try statements.map { statement throws(PGError) -> String? in
            bindings.set(statement.params)
            return try preparedName(for: statement.sql)
        }
        guard PQenterPipelineMode(pg) == 1 else { throw connectionError() }
        PQsetnonblocking(pg, 1)
        defer {
            PQsetnonblocking(pg, 0)
            PQexitPipelineMode(pg)
        }
        for (statement, name) in zip(statements, names) {
            bindings.set(statement.params)
            let sent = bindings.withPointers { n, types, values, lengths, formats in
                if let name { return PQsendQueryPrepared(pg, name, n, values, lengths, formats, 1) }
                return PQsendQueryParams(pg, statement.sql, n, types, values, lengths, formats, 1)
            }
            guard sent == 1 else {
                drainAfterFailure()
                throw connectionError()
            }
        }
        guard PQpipelineSync(pg) == 1 else {
            drainAfterFailure()
            throw connectionError()
        }

        var results: [PGResult] = []
        results.reserveCapacity(statements.count)
        var firstError: PGError?
        var synced = false
        while !synced {
            try pump()
            // One statement's answer is its results followed by a nil; the sync's answer ends the pipeline.
            while PQisBusy(pg) == 0 {
                guard let result = PQgetResult(pg) else { continue }
                switch PQresultStatus(result) {
                case PGRES_PIPELINE_SYNC:
                    PQclear(result)
                    synced = true
                case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                    results.append(PGResult(result))
                case PGRES_PIPELINE_ABORTED:
                    PQclear(result)
                default:
                    if firstError == nil { firstError = PGConnection.error(from: result, connection: pg) }
                    PQclear(result)
                }
                if synced { break }
            }
        }
        if let firstError {
            // The statements after the error were skipped, a COMMIT among them. A transaction the
            // pipeline began itself is rolled back rather than left failed on the connection; a caller's
            // transaction is left failed for the caller, who must not carry on as if in it.
            PQsetnonblocking(pg, 0)
            PQexitPipelineMode(pg)
            if startedIdle { rollbackQuietly() }
            if firstError.sqlState == "0A000" || firstError.sqlState == "26000" {
                // A cached plan the schema invalidated, or a statement deallocated: start the cache afresh.
                forgetPreparedStatements()
            }
            throw firstError
        }
        return results
    }

    /// Flushes what libpq has buffered and waits until the socket has something to read.
    private func pump() throws(PGError) {
        let fd = PQsocket(pg)
        while true {
            let flushed = PQflush(pg)
            if flushed < 0 { throw connectionError() }
            var p = pollfd(fd: fd, events: Int16(POLLIN) | (flushed == 1 ? Int16(POLLOUT) : 0), revents: 0)
            if poll(&p, 1, -1) < 0 {
                if errno == EINTR { continue }
                throw connectionError()
            }
            if p.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 {
                if PQconsumeInput(pg) == 0 { throw connectionError() }
                return
            }
        }
    }

    private func drainAfterFailure() {
        while let r = PQgetResult(pg) { PQclear(r) }
    }
}
