import Hummingbird
import PGDriver

/// Runs each request as a task that prefers the database pool as its executor, so that the request's database
/// closures run on the pool thread it is already on, with that thread's connection, instead of hopping to a pool
/// thread and back for each closure (BENCHMARKS.md, "No hop tax"). The pool's threads are its own: libpq's blocking
/// calls still never run on an event loop or on Swift's cooperative pool.
struct PoolExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    let pool: PGPool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await withTaskExecutorPreference(pool) { try await next(request, context) }
    }
}
