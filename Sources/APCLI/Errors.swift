import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

/// What `ap` exits with. Shown in `ap --help`.
enum Exit: Int32, Sendable {
    case ok = 0
    case failure = 1
    case notFound = 2
    case ambiguous = 3
    case conflict = 4
    case invalid = 5
    case auth = 6
    case unreachable = 7

    static let help = """
        Exit codes: 0 done; 1 failed otherwise; 2 not found (no such resident, alert or incident); 3 ambiguous \
        (several residents match: nothing was changed, be more specific); 4 conflict (already in, already out, \
        edited meanwhile); 5 the service refused the input; 6 not logged in, token refused or not allowed \
        (a premises your account does not work at); 7 the service cannot be reached or is unavailable; 64 bad usage.
        """
}

/// One line for the user, and the exit code. Never a stack trace.
struct CLIError: Error, Sendable {
    let exit: Exit
    let message: String
    init(_ exit: Exit, _ message: String) {
        self.exit = exit
        self.message = message
    }

    /// The service's refusal, its sentence passed through.
    static func from(_ error: any Error) -> CLIError {
        switch error {
        case let e as CLIError: return e
        case let p as APIProblem:
            let exit: Exit
            switch p.status {
            case 401, 403: exit = .auth
            case 404: exit = .notFound
            case 409: exit = .conflict
            case 400, 413, 422: exit = .invalid
            case 503, 502, 504: exit = .unreachable
            default: exit = .failure
            }
            var text = p.detail
            if p.status == 401 { text += " (then run `ap login`)" }
            if p.status >= 500 { text += " [request \(p.requestId ?? "?")]" }
            return CLIError(exit, text)
        case let t as TransportError: return CLIError(.unreachable, t.description)
        case let v as ValidationError: return CLIError(.invalid, v.message)
        default: return CLIError(.failure, "failed: \(error.localizedDescription)")
        }
    }
}

/// Runs a command's body, turning any error into its line on standard error and its exit code.
func guarded(_ body: () async throws -> Void) async throws {
    do { try await body() } catch {
        let e = CLIError.from(error)
        Output.error(e.message)
        throw ExitCode(e.exit.rawValue)
    }
}
