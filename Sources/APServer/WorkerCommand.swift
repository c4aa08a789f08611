import APWorker
import ArgumentParser
import Foundation
import Logging
import PGDriver
import ServiceLifecycle

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the curfew-check worker until SIGTERM or SIGINT (or one pass with --once).",
        discussion: """
            Every pass checks the night in progress at every premises, reconciles nights that are over, and \
            catches up on nights missed while stopped (up to --look-back-nights). Every 15 seconds it also \
            re-checks the nights that corrections have queued (an entry recorded late, a void, an absence, a \
            condition, an arrival or departure recorded after the fact), however old: an alert the corrected \
            record no longer shows is resolved with the correction as its reason, and a breach it now shows is \
            raised. Several workers may run. \
            With --webhook-url, every alert raised in the last 12 hours, by any worker or the one-shot check, is \
            posted there (at least once, retried with back-off up to an hour, signed with HMAC-SHA256 of the \
            secret in AP_WEBHOOK_SECRET, which is never taken from the command line). With --events-webhook-url, \
            every domain event from then on is posted there in order, a page at a time, again until it is taken \
            (the body is what GET /api/v1/events answers; the same signature). \
            Log level from LOG_LEVEL (info by default). \
            Exit codes: 0 stopped cleanly, 1 the database failed (with --once), 64 bad usage.

            Examples:
              ap-server worker
              ap-server worker --interval-seconds 120 --grace-minutes 10
              ap-server worker --once
            """
    )

    // Fractions are allowed for scripts/bench country, which plays the worker's minute at N times real speed.
    @Option(help: "Seconds between passes (a fraction allowed).") var intervalSeconds = 300.0
    @Option(help: "Minutes after a curfew starts before being out counts as late.") var graceMinutes = 15
    @Option(help: "How many nights back to catch up after a stop.") var lookBackNights = 7
    @Option(help: "Post alerts to this URL (needs AP_WEBHOOK_SECRET).") var webhookUrl: String?
    @Option(help: "Post every domain event to this URL, in order (needs AP_WEBHOOK_SECRET).") var eventsWebhookUrl:
        String?
    @Flag(help: "Run one pass, print what it did, and exit.") var once = false

    func validate() throws {
        guard (0.01...86_400).contains(intervalSeconds) else {
            throw ValidationError("--interval-seconds is 0.01 to 86400")
        }
        guard (0...180).contains(graceMinutes) else { throw ValidationError("--grace-minutes is 0 to 180") }
        guard (0...90).contains(lookBackNights) else { throw ValidationError("--look-back-nights is 0 to 90") }
        for (flag, value) in [("--webhook-url", webhookUrl), ("--events-webhook-url", eventsWebhookUrl)] {
            guard let value else { continue }
            guard let url = URL(string: value), url.scheme == "https" || url.scheme == "http", url.host != nil
            else {
                throw ValidationError("\(flag) must be an http or https URL")
            }
            guard let secret = ProcessInfo.processInfo.environment["AP_WEBHOOK_SECRET"], secret.count >= 16 else {
                throw ValidationError("set AP_WEBHOOK_SECRET (16 characters or more) to sign webhook posts")
            }
        }
    }

    func run() async throws {
        var settings = CurfewWorker.Settings()
        settings.interval = .milliseconds(Int64(intervalSeconds * 1000))
        settings.grace = Double(graceMinutes) * 60
        settings.lookBackNights = lookBackNights
        let config: PGConfig
        do { config = try PGConfig.fromEnvironment(applicationName: "ap-worker") } catch {
            FileHandle.standardError.write(Data("ap-server worker: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let pool = PGPool(config, options: .init(maxConnections: 2))
        let worker = CurfewWorker(pool: pool, settings: settings, logger: commandLogger("ap.worker"))
        if once {
            do {
                let pass = try await worker.runOnce()
                print(
                    "checked \(pass.checked.count) premises-nights, reconciled \(pass.reconciled.count), raised "
                        + "\(pass.raised) alerts, resolved \(pass.resolved)"
                )
                let again = try await worker.recheckOnce()
                print(
                    "corrections: \(again.checked.count) premises-nights re-checked, \(again.raised) alerts raised, "
                        + "\(again.resolved) resolved")
                await pool.shutdown()
            } catch {
                FileHandle.standardError.write(Data("ap-server worker: \(error)\n".utf8))
                await pool.shutdown()
                throw ExitCode(1)
            }
            return
        }
        var services: [any Service] = [worker]
        if let webhookUrl, let url = URL(string: webhookUrl),
            let secret = ProcessInfo.processInfo.environment["AP_WEBHOOK_SECRET"]
        {
            services.append(
                WebhookDeliverer(
                    pool: pool, settings: .init(url: url, secret: secret), logger: commandLogger("ap.webhook")))
        }
        if let eventsWebhookUrl, let url = URL(string: eventsWebhookUrl),
            let secret = ProcessInfo.processInfo.environment["AP_WEBHOOK_SECRET"]
        {
            services.append(
                EventWebhookDeliverer(
                    pool: pool, settings: .init(url: url, secret: secret), logger: commandLogger("ap.events")))
        }
        let group = ServiceGroup(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: commandLogger("ap.worker"))
        try await group.run()
        await pool.shutdown()
    }
}
