import APStore
import APWire
import Foundation
import Hummingbird
import PGDriver
import Synchronization

/// Accepts a request under /api/v1 only with a live API token (`Authorization: Bearer ap_…`), and
/// records whose it is in the context. Only the token's hash is looked up; the token is never logged.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APRequestContext
    let pool: PGPool
    let clock: @Sendable () -> Date
    let cache: PrincipalCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        do {
            return try await authenticated(request, context: context, next: next)
        } catch let problem as Problem
            where (problem.statusCode == 401 || problem.statusCode == 403) && !problem.audited
        {
            await audit(problem, context)
            throw problem
        }
    }

    func authenticated(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The scheme's name is case-insensitive (RFC 7235: "bearer", "BEARER" are Bearer).
        guard let header = request.headers[.authorization], let space = header.firstIndex(of: " "),
            header[..<space].lowercased() == "bearer"
        else { throw Problem.unauthenticated }
        let token = String(header[space...]).trimmingCharacters(in: .whitespaces)
        let now = clock()
        let key = SHA256.hex(token)
        let result: Result<Principal, AccountStore.Refusal>
        if let principal = cache.get(key, now: now) {
            result = .success(principal)
        } else {
            result = try await pool.withConnection({ c in try AccountStore.authenticate(c, token: token, now: now) })
            if case .success(let principal) = result { cache.put(key, principal, now: now) }
        }
        switch result {
        case .success(let principal):
            var context = context
            context.principal = principal
            context.now = now
            context.logger[metadataKey: "account"] = .string(principal.account.id.uuidString.lowercased())
            do {
                return try await next(request, context)
            } catch var problem as Problem where problem.statusCode == 403 {
                await audit(problem, context)
                problem.audited = true
                throw problem
            }
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

extension AuthMiddleware {
    /// Every refusal lands in the audit trail: who (when the token was accepted), the route's template
    /// (never its concrete path or the token) and the status. A failure to write it is logged, not raised.
    func audit(_ problem: Problem, _ context: Context) async {
        let actor = context.principal?.actor.name
        let route = context.endpointPath ?? "unmatched"
        do {
            try await pool.withConnection { c in
                try AuditStore.recordRefusal(
                    c, actorName: actor, route: route, status: problem.statusCode, code: problem.code)
            }
        } catch {
            context.logger.warning(
                "a refusal could not be audited",
                metadata: ["error": "\((error as? PGError).map { "\($0.kind)" } ?? "other")"])
        }
    }
}

/// Accepted tokens for a few seconds, so that a busy shift's requests do not each look their token up.
/// A token revoked through this process is forgotten at once (the whole cache is cleared); through
/// another process, within `ttl`. Keyed by the token's hash, never the token.
final class PrincipalCache: Sendable {
    let ttl: TimeInterval
    private let entries = Mutex<[String: (principal: Principal, until: Date)]>([:])

    init(ttl: TimeInterval = 10) { self.ttl = ttl }

    func get(_ key: String, now: Date) -> Principal? {
        entries.withLock { e in
            guard let hit = e[key] else { return nil }
            if hit.until > now { return hit.principal }
            e[key] = nil
            return nil
        }
    }

    func put(_ key: String, _ principal: Principal, now: Date) {
        entries.withLock { e in
            if e.count > 10_000 { e.removeAll() }
            e[key] = (principal, now.addingTimeInterval(ttl))
        }
    }

    func clear() { entries.withLock { $0.removeAll() } }
}
