import APService
import ArgumentParser
import Foundation
import Logging
import PGDriver
import PGMigrations
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP JSON API until SIGTERM or SIGINT (graceful: requests in flight finish).",
        discussion: """
            Reads the database from DATABASE_URL; with DATABASE_READ_URL (a streaming replica) the occupancy \
            reports and the dashboard read from there instead, and all else from DATABASE_URL. The contract is \
            served at /openapi.yaml; /healthz says the process is up, /readyz that the database is reachable and \
            its migrations current, /metrics is Prometheus text. Log level from LOG_LEVEL (info by default).

            Exit codes: 0 stopped cleanly, 1 could not start, 64 bad usage.

            Examples:
              ap-server serve
              ap-server serve --host 127.0.0.1 --port 8080 --connections 8
            """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed when listening).") var port = 8080
    @Option(help: "Database connections in the pool.") var connections = 8

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port is 0 to 65535") }
        guard (1...100).contains(connections) else { throw ValidationError("--connections is 1 to 100") }
    }

    func run() async throws {
        let logger = commandLogger("ap.service")
        let config: PGConfig
        do { config = try PGConfig.fromEnvironment(applicationName: "ap-service") } catch {
            FileHandle.standardError.write(Data("ap-server serve: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let pool = PGPool(config, options: .init(maxConnections: connections, acquireTimeout: .seconds(5)))
        let readPool = ProcessInfo.processInfo.environment["DATABASE_READ_URL"].flatMap { $0.isEmpty ? nil : $0 }.map {
            PGPool(
                PGConfig(url: $0, applicationName: "ap-service-reports"),
                options: .init(maxConnections: max(2, connections / 2), acquireTimeout: .seconds(5)))
        }
        var settings = ServiceConfiguration()
        settings.host = host
        settings.port = port
        // A request on the pool as its executor saves two hops a database closure, but the pool's threads then do
        // the request's own work too: with 8 connections that saved a fifth of the service's CPU at the same
        // throughput; with 2, both threads sat in the database while that work waited (0.73x the requests).
        // BENCHMARKS.md, "No hop tax". AP_REQUESTS_ON_POOL=0 or 1 decides instead.
        settings.requestsOnPool =
            switch ProcessInfo.processInfo.environment["AP_REQUESTS_ON_POOL"] {
            case "0": false
            case "1": true
            default: connections >= 4
            }
        let app = APService.application(pool: pool, readPool: readPool, configuration: settings, logger: logger) {
            port in
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            FileHandle.standardError.write(Data("ap-server serve: \(error)\n".utf8))
            await pool.shutdown()
            await readPool?.shutdown()
            throw ExitCode(1)
        }
        await pool.shutdown()
        await readPool?.shutdown()
    }
}
