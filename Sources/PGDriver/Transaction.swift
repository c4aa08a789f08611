import Foundation

public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PGConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    /// Serialization failures and deadlocks roll back and run `body` again, up to `maxAttempts` in all,
    /// so `body` must do nothing outside the database that cannot be repeated.
    ///
    /// `prelude` runs first inside the transaction, sent together with BEGIN in one round trip
    /// (session settings for the transaction, say); `label` names it in `transactionLabel` meanwhile.
    public func transaction<T>(
        isolation: IsolationLevel = .readCommitted, readOnly: Bool = false, maxAttempts: Int = 5,
        prelude: [PGStatement] = [], label: String? = nil, _ body: (PGConnection) throws -> T
    ) throws -> T {
        let begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")"
        self.label = label
        inTransactionCall = true
        defer {
            inTransactionCall = false
            self.label = nil
        }
        var attempt = 1
        while true {
            do {
                if prelude.isEmpty { try execute(begin) } else { _ = try pipeline([PGStatement(begin)] + prelude) }
            } catch {
                rollbackQuietly()
                throw error
            }
            do {
                let value = try body(self)
                if transactionState == .failed {
                    // A statement failed and `body` swallowed the error: COMMIT would silently roll back.
                    throw PGError(
                        .client,
                        "a statement in the transaction failed and the error was caught; the transaction was rolled "
                            + "back"
                    )
                }
                try execute("COMMIT")
                return value
            } catch {
                rollbackQuietly()
                guard let pgError = error as? PGError, pgError.isTransient, attempt < maxAttempts else { throw error }
                attempt += 1
                // Back off a little, with jitter, so that the transactions that collided do not collide again.
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
            }
        }
    }

    func rollbackQuietly() {
        if transactionState == .inTransaction || transactionState == .failed { _ = try? execute("ROLLBACK") }
    }
}
