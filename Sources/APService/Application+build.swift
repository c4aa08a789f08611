import APStore
import APWire
import Foundation
import Hummingbird
import Logging
import Metrics
import PGDriver
import PGMigrations
import Prometheus

/// The service: its router and the Hummingbird application around it.
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var migrations = Migrator(directory: Migrator.defaultDirectory())
    /// Each request runs on the database pool as its executor (PoolExecutorMiddleware); `ap-server serve` decides
    /// by the pool's size (ServeCommand), and scripts/bench service runs the service both ways.
    public var requestsOnPool = true
    public init() {}
}

public enum APService {
    /// Every route, with the middleware each request passes through (outermost first): the pool as the request's
    /// executor, metrics, request log, problems for every error, then the token check for /api.
    public static func router(
        pool: PGPool, readPool: PGPool? = nil, clock: @escaping @Sendable () -> Date = Date.init, migrations: Migrator,
        registry: PrometheusCollectorRegistry
    ) -> Router<APRequestContext> {
        router(
            pool: pool, readPool: readPool, clock: clock, migrations: migrations, registry: registry,
            alerts: AlertHub(pool: pool))
    }

    static func router(
        pool: PGPool, readPool: PGPool?, clock: @escaping @Sendable () -> Date, migrations: Migrator,
        registry: PrometheusCollectorRegistry, alerts: AlertHub, requestsOnPool: Bool = true
    ) -> Router<APRequestContext> {
        let principals = PrincipalCache()
        let api = API(pool: pool, reads: readPool ?? pool, clock: clock, principals: principals, alerts: alerts)
        let router = Router(context: APRequestContext.self)
        if requestsOnPool { router.add(middleware: PoolExecutorMiddleware(pool: pool)) }
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AuthMiddleware(pool: pool, clock: clock, cache: principals))
        api.healthRoutes(router, migrations: migrations, registry: registry)
        api.webRoutes(router)
        api.evidencePageRoute(router)
        api.alertStreamPageRoute(router)
        api.staticRoutes(router)
        api.passwordRoutes(router)
        api.rollPageRoutes(router)
        api.placementPageRoutes(router)
        api.residentPageRoutes(router)
        api.bedPageRoutes(router)
        api.premisesAdminRoutes(router)
        api.acknowledgeRoute(router)
        api.handoverPageRoutes(router)
        api.incidentPageRoutes(router)
        api.incidentPageRoute(router)
        api.staffPageRoutes(router)
        let v1 = router.group("api/v1")
        api.peopleRoutes(v1)
        api.premisesRoutes(v1)
        api.residentRoutes(v1)
        api.evidenceRoutes(v1)
        api.placementRoutes(v1)
        api.exportRoutes(v1)
        api.eventRoutes(v1)
        api.movementRoutes(v1)
        api.incidentRoutes(v1)
        api.alertRoutes(v1)
        api.alertStreamRoutes(v1)
        api.occupancyRoutes(v1)
        api.handoverRoutes(v1)
        api.occupancyReportRoutes(v1)
        return router
    }

    /// The metrics registry the process reports at /metrics; swift-metrics is bootstrapped with it once.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// `readPool`: a streaming replica for the reports and the dashboard (nil: `pool`).
    public static func application(
        pool: PGPool, readPool: PGPool? = nil, configuration: ServiceConfiguration,
        clock: @escaping @Sendable () -> Date = Date.init,
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // Started and stopped with the application, as one of its services: the live streams' listener.
        let alerts = AlertHub(pool: pool, logger: logger)
        let router = router(
            pool: pool, readPool: readPool, clock: clock, migrations: configuration.migrations, registry: registry,
            alerts: alerts, requestsOnPool: configuration.requestsOnPool)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ap"),
            services: [alerts],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
