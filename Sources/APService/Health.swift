import Foundation
import Hummingbird
import NIOCore
import PGDriver
import PGMigrations
import Prometheus

/// Liveness, readiness, metrics and the contract: unauthenticated, outside /api.
extension API {
    struct Ready: Encodable, Sendable {
        var database: String
        var migrations: String
    }

    func healthRoutes(_ r: Router<APRequestContext>, migrations: Migrator, registry: PrometheusCollectorRegistry) {
        r.get("healthz") { _, _ in JSONResponse(["status": "ok"]) }
        r.get("readyz") { _, _ in
            do {
                let current = try await pool.withConnection { c in try migrations.isCurrent(c) }
                guard current else {
                    throw Problem(
                        .serviceUnavailable, "migrations-pending",
                        "the database's migrations are not current: run ap-server migrate", retryAfter: 30)
                }
                return JSONResponse(Ready(database: "up", migrations: "current"))
            } catch let error as PGError where error.isUnavailable {
                throw Problem(
                    .serviceUnavailable, "database-unavailable", "the database cannot be reached just now",
                    retryAfter: 5)
            }
        }
        r.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        r.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
    }
}

/// The contract, from the module's resources (Sources/APService/openapi.yaml).
public enum OpenAPIDocument {
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else {
            fatalError("openapi.yaml is missing from the APService bundle: the build is broken")
        }
        return Array(data)
    }()
}

/// One line per request: method, the route's template (never the concrete path or query, which can
/// hold identifiers), status and duration, under the request id. No bodies, no tokens.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let ms = (ContinuousClock.now - started) / .microseconds(1) / 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "route": "\(context.endpointPath ?? "unmatched")",
                "status": "\(response.status.code)", "ms": "\(String(format: "%.1f", ms))",
            ])
        return response
    }
}
