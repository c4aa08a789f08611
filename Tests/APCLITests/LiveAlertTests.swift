import APClient
import APWire
import Foundation
import ServiceHarness
import Synchronization
import TestDatabase
import Testing

/// Issue 19 with real processes: `ap alerts --follow` hears of an alert within 2 seconds, and resumes after the
/// service is killed with `kill -9` and started again, printing what was raised meanwhile exactly once; two
/// service processes on one database both deliver.
@Suite(.serialized) struct LiveAlertTests {
    /// A running program whose standard output is read line by line as it comes.
    final class Running: Sendable {
        let process: Process
        let lines = Mutex<[String]>([])
        let errors = Mutex<String>("")
        /// Output after the last new line, kept until its line is complete.
        let partial = Mutex<String>("")

        init(_ executable: URL, _ arguments: [String], environment: [String: String]) throws {
            process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            // Each pipe read on a thread of its own until it ends: no dispatch source is left watching a pipe
            // that is closed when the process has gone (Foundation on Linux crashed on that).
            let (output, problems) = (out.fileHandleForReading, err.fileHandleForReading)
            Thread.detachNewThread { [self] in
                while case let data = output.availableData, !data.isEmpty {
                    let text = String(decoding: data, as: UTF8.self)
                    let complete: [String] = self.partial.withLock { rest in
                        rest += text
                        var parts = rest.components(separatedBy: "\n")
                        rest = parts.removeLast()
                        return parts
                    }
                    self.lines.withLock { $0 += complete }
                }
            }
            Thread.detachNewThread { [self] in
                while case let data = problems.availableData, !data.isEmpty {
                    self.errors.withLock { $0 += String(decoding: data, as: UTF8.self) }
                }
            }
            try process.run()
        }

        /// Waits until `done` holds for the lines so far, for at most `seconds`; whether it did.
        func wait(_ seconds: Double, until done: ([String]) -> Bool) async -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if lines.withLock({ done($0) }) { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return lines.withLock { done($0) }
        }

        func kill(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }
    }

    /// `ap-server serve` on `port`, against the harness's database, once it answers.
    static func server(_ h: Harness, port: Int) async throws -> Process {
        let process = try TestDatabase.launch(
            "ap-server", ["serve", "--port", "\(port)"], database: h.config.database!)
        let client = APIClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, token: nil)
        for _ in 0..<200 {
            if (try? await client.send("GET", "healthz"))?.status == 200 { return process }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TransportError(description: "ap-server serve did not start")
    }

    /// The raised events printed for `alert` (one JSON object a line).
    static func raised(_ lines: [String], _ alert: UUID) -> Int {
        lines.filter { $0.contains("\"event\":\"raised\"") && $0.contains(alert.uuidString) }.count
    }

    static func streamsOpened(_ h: Harness) async throws -> Int {
        try await h.db { c in
            try c.query("SELECT count(*) AS n FROM audit_log WHERE table_name = 'alert_stream'")[0].decode("n")
        }
    }

    @Test func followResumesAfterTheServiceIsKilledExactlyOnce() async throws {
        try await Harness.with { h in
            let port = try Harness.freePort()
            var server = try await Self.server(h, port: port)
            defer { if server.isRunning { server.terminate() } }
            let ap = try Running(
                TestDatabase.executable("ap"), ["alerts", "--follow", "--json"],
                environment: [
                    "AP_URL": "http://127.0.0.1:\(port)", "AP_TOKEN": h.tokens.staff,
                    "XDG_CONFIG_HOME": NSTemporaryDirectory() + "ap-follow-\(port)", "NO_COLOR": "1",
                ])
            defer { if ap.process.isRunning { ap.process.terminate() } }
            for _ in 0..<800 where try await Self.streamsOpened(h) < 1 { try await Task.sleep(for: .milliseconds(25)) }

            let first = try await h.raiseAlert(at: h.home, daysAgo: 400)
            let heard = Date()
            #expect(await ap.wait(2) { Self.raised($0, first) == 1 }, "\(ap.lines.withLock { $0 })")
            #expect(Date().timeIntervalSince(heard) < 2)

            server.kill9()
            let meanwhile = [
                try await h.raiseAlert(at: h.home, daysAgo: 401), try await h.raiseAlert(at: h.home, daysAgo: 402),
            ]
            server = try await Self.server(h, port: port)
            #expect(
                await ap.wait(40) { lines in meanwhile.allSatisfy { Self.raised(lines, $0) == 1 } },
                "\(ap.lines.withLock { $0 }) \(ap.errors.withLock { $0 })")
            let after = try await h.raiseAlert(at: h.home, daysAgo: 403)
            #expect(await ap.wait(5) { Self.raised($0, after) == 1 })
            let lines = ap.lines.withLock { $0 }
            #expect(([first, after] + meanwhile).allSatisfy { Self.raised(lines, $0) == 1 }, "each exactly once")
            #expect(ap.errors.withLock { $0 }.contains("lost the connection to the service; trying again"))

            ap.kill(SIGINT)
            await ap.process.exited()
            #expect(ap.process.terminationReason == .exit && ap.process.terminationStatus == 0)
        }
    }

    /// For people: a line a change, the new alert in words; piped (or with NO_COLOR), no bell and no colour.
    @Test func followSaysItInWordsWithoutABellWhenPiped() async throws {
        try await Harness.with { h in
            let ap = try Running(
                TestDatabase.executable("ap"), ["alerts", "--follow"],
                environment: [
                    "AP_URL": h.url.absoluteString, "AP_TOKEN": h.tokens.staff,
                    "XDG_CONFIG_HOME": NSTemporaryDirectory() + "ap-follow-words",
                ])
            defer { if ap.process.isRunning { ap.process.terminate() } }
            #expect(await ap.wait(30) { $0.contains { $0.hasPrefix("following ") } })
            let alert = try await h.raiseAlert(at: h.home, daysAgo: 420)
            let short = String(alert.uuidString.lowercased().prefix(8))
            #expect(await ap.wait(2) { $0.contains { $0.contains("ALERT missed reporting") && $0.contains(short) } })
            let lines = ap.lines.withLock { $0 }
            #expect(!lines.joined().contains("\u{7}") && !lines.joined().contains("\u{1B}["), "no bell, no colour")
            ap.kill(SIGINT)
            await ap.process.exited()
            #expect(ap.process.terminationStatus == 0)
        }
    }

    @Test func twoServiceProcessesBothDeliver() async throws {
        try await Harness.with { h in
            let port = try Harness.freePort()
            let server = try await Self.server(h, port: port)
            defer { server.terminate() }
            let streams = [h.url, URL(string: "http://127.0.0.1:\(port)")!].map { url in
                EventStream(baseURL: url, token: h.tokens.staff, path: "api/v1/premises/\(h.home)/alerts/stream")
            }
            let heard = Heard()
            for (i, stream) in streams.enumerated() {
                let items = stream.items
                Task {
                    for await case .event(let e) in items { heard.data.withLock { $0[i, default: []].append(e.data) } }
                }
            }
            for _ in 0..<800 where try await Self.streamsOpened(h) < 2 { try await Task.sleep(for: .milliseconds(25)) }
            let alert = try await h.raiseAlert(at: h.home, daysAgo: 410)
            var both = false
            for _ in 0..<100 where !both {
                both = heard.data.withLock { h in
                    (0..<2).allSatisfy { h[$0, default: []].contains { $0.contains(alert.uuidString) } }
                }
                if !both { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(both)
            for stream in streams { stream.cancel() }
        }
    }
}

/// What each of several streams has heard.
final class Heard: Sendable {
    let data = Mutex<[Int: [String]]>([:])
}

extension Process {
    /// SIGKILL: the process gets no chance to tidy up, as when it crashes.
    func kill9() { kill(processIdentifier, SIGKILL) }
}
