import APStore
import Foundation
import Hummingbird
import PGDriver

/// Accepts a request under /api/v1 only with a live API token (`Authorization: Bearer ap_…`), and
/// records whose it is in the context. Only the token's hash is looked up; the token is never logged.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APRequestContext
    let pool: PGPool
    let clock: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw Problem.unauthenticated }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let now = clock()
        switch try await pool.withConnection({ c in try AccountStore.authenticate(c, token: token, now: now) }) {
        case .success(let principal):
            var context = context
            context.principal = principal
            context.logger[metadataKey: "account"] = .string(principal.account.id.uuidString.lowercased())
            return try await next(request, context)
        case .failure(let refusal):
            let detail: String
            switch refusal {
            case .unknown: detail = "that API token is not known: check it, or ask an admin for a new one"
            case .expired: detail = "that API token has expired: ask an admin for a new one"
            case .revoked: detail = "that API token was revoked: ask an admin for a new one"
            case .disabled: detail = "that account is disabled: ask an admin"
            }
            throw Problem(.unauthorized, "token-\(refusal.rawValue)", detail)
        }
    }
}
