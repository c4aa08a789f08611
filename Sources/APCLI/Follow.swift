import APClient
import APDomain
import APWire
import Foundation

/// `ap alerts --follow`: the open alerts, then each change as the service's stream tells it. The connection is
/// made again when it drops (with back-off, said on standard error), resuming after the last event printed, so
/// that nothing is missed or printed twice.
struct Follow {
    let session: Session
    let json: Bool

    /// One line of `--json` output.
    struct Line: Encodable {
        var event: String
        var id: Int64?
        var alert: Alert
    }

    func run() async throws {
        endOnInterrupt()
        let s = session
        // The stream first, then the list: listed once the stream has said where it starts, so that an alert
        // raised in between is not missed; one both listed and streamed is printed once.
        var listed: Set<UUID>?
        var last: String?
        var wait = 1.0
        while true {
            let stream = EventStream(
                baseURL: s.client.baseURL, token: s.client.token, path: "\(s.base)/alerts/stream", lastEventId: last)
            for await item in stream.items {
                switch item {
                case .open:
                    if wait > 1 { Output.error("connected again") }
                    wait = 1
                case .event(let e):
                    if let id = e.id { last = id }
                    if e.name == "ready" {
                        if listed == nil { listed = try await listOpen() }
                        continue
                    }
                    guard let event = try? APIJSON.decoder.decode(AlertEvent.self, from: Data(e.data.utf8)) else {
                        continue
                    }
                    if event.kind == .raised, listed?.contains(event.alert.id) == true { continue }
                    show(event.kind.rawValue, id: event.id, event.alert)
                case .refused(let status, let body):
                    if let problem = try? APIJSON.decoder.decode(APIProblem.self, from: body) {
                        throw CLIError.from(problem)
                    }
                    throw CLIError(.failure, "the service refused the stream (HTTP \(status))")
                case .closed:
                    break
                }
            }
            Output.error("lost the connection to the service; trying again in \(Int(wait)) s")
            try await Task.sleep(for: .seconds(wait))
            wait = min(wait * 2, 30)
        }
    }

    /// Prints the open alerts (oldest first) and says that it is following; their ids.
    func listOpen() async throws -> Set<UUID> {
        let s = session
        let open = try await s.client.call(
            "GET", "\(s.base)/alerts", query: ["since": "\(s.clock.today.adding(days: -7))", "open": "true"],
            as: Page<Alert>.self
        ).items.filter(\.isOpen)
        for alert in open.reversed() { show("open", id: nil, alert) }
        if !json { Output.line(Output.dim("following \(s.premises.code): new alerts appear here (Ctrl-C ends)")) }
        return Set(open.map(\.id))
    }

    func show(_ event: String, id: Int64?, _ a: Alert) {
        if json {
            if let data = try? APIJSON.encode(Line(event: event, id: id, alert: a)) {
                Output.jsonLine(Data(data))
            }
            return
        }
        let who = "\(a.residentName) (\(a.crn))"
        let what = "\(label(a.kind)), night of \(LocalClock.day(a.night))"
        let clock = session.clock
        switch event {
        case "raised", "open":
            // The bell only on a terminal, and not with NO_COLOR: a new alert is news.
            let bell = event == "raised" && Output.colour ? "\u{7}" : ""
            let head = a.escalate ? "ALERT, ESCALATE" : "ALERT"
            Output.line(
                bell + Output.red("\(head) \(what): \(who)")
                    + Output.dim("  raised \(clock.show(a.raisedAt)) [alert \(short(a.id))]"))
        case "acknowledged":
            let outcome = a.acknowledgements.last.map { label($0.outcome) } ?? ""
            Output.line("acknowledged \(what): \(who), \(outcome)" + Output.dim("  [alert \(short(a.id))]"))
        default:
            Output.line(
                "resolved \(what): \(who), \(a.resolvedReason ?? "")" + Output.dim("  [alert \(short(a.id))]"))
        }
    }

    /// Ctrl-C ends the command cleanly (exit 0), after the line being printed.
    func endOnInterrupt() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            FileHandle.standardOutput.write(Data("\n".utf8))
            exit(0)
        }
        source.resume()
        Follow.interrupt = source
    }

    nonisolated(unsafe) static var interrupt: (any DispatchSourceSignal)?
}
