import Logging
import ServiceLifecycle

/// Runs `pass` every `interval` until graceful shutdown: the loop of every background service here. A pass
/// that fails is logged (the error's description only: stores' errors carry no personal data) and the next
/// one tries again; graceful shutdown cancels the wait, which ends the loop rather than failing it.
func repeatedly(
    every interval: Duration, logger: Logger, name: String, _ pass: @escaping @Sendable () async throws -> Void
) async throws {
    try await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await pass()
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(name) failed; trying again next time", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
