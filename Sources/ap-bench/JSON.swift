import APWire
import Foundation

/// `ap-bench json SECONDS`: a who-is-in page (30 residents, the shape of /roll's answer) written by the
/// API's encoder against Foundation's `JSONEncoder` in the same dialect, on one core, in one run.
func jsonBenchmark(seconds: Double) throws {
    let now = Date()
    var items: [Presence] = []
    for i in 0..<30 {
        let back: Date? = i % 4 == 1 ? now.addingTimeInterval(3600) : nil
        let since = now.addingTimeInterval(Double(-i) * 61.234)
        items.append(
            Presence(
                residentId: UUID(), placementId: UUID(), crn: "X\(100_000 + i)", name: "Resident \(i) O'Neill",
                bedCode: "B\(i)",
                roomCode: "R\(i / 2)", isIn: i % 2 == 0, since: since, destination: i % 2 == 0 ? "" : "shop",
                expectedBack: back))
    }
    let page = Page(items: items, nextCursor: nil)
    let same = try APIJSON.encode(page) == Array(APIJSON.encoder.encode(page))
    precondition(same, "the two encoders disagree")
    var rates: [String: Double] = [:]
    for round in 0..<2 {  // interleaved, so that a noisy neighbour lands on both
        for name in ["foundation", "api"] where only == nil || only == name {
            var n = 0
            var bytes = 0
            let start = Date()
            let cpu = cpuSeconds()
            while Date().timeIntervalSince(start) < seconds / 2 {
                if name == "api" {
                    bytes += try APIJSON.encode(page).count
                } else {
                    bytes += try APIJSON.encoder.encode(page).count
                }
                n += 1
            }
            let used = cpuSeconds() - cpu
            if round == 1 { rates[name] = Double(n) / used }
            if round == 1 {
                print(
                    "\(name): \(n) pages of \(bytes / n) bytes, \(String(format: "%.1f", used / Double(n) * 1e6)) us "
                        + "CPU a page"
                )
            }
        }
    }
    if let api = rates["api"], let foundation = rates["foundation"] {
        print(String(format: "APIJSON.encode vs JSONEncoder: %.2fx the pages per CPU second", api / foundation))
    }
}
