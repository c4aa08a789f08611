import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver

/// Times `OccupancyStore.occupancy` for every premises over the year before `today`, then, in the same
/// run, psql running (a) the same statement and (b) the obvious hand-written query of
/// bench/occupancy-naive.sql; checks that all three agree; prints the times and ratios.
func occupancyBenchmark(url: String, runs: Int) throws {
    let c = try PGConnection(PGConfig(url: url, applicationName: "ap-bench"))
    let today = LocalDate(ProcessInfo.processInfo.environment["BENCH_TODAY"] ?? "2026-11-24")!
    let nights = Nights(from: today.adding(days: -365), to: today)!
    let ids = try PremisesStore.list(c).map(\.id)
    let beds: Int = try c.query("SELECT count(*) AS n FROM beds")[0].decode("n")
    let placements: Int = try c.query("SELECT count(*) AS n FROM placements")[0].decode("n")
    print(
        "data: \(ids.count) premises, \(beds) beds, \(placements) placements; \(nights.count) nights (\(nights.from) "
            + "to \(nights.to))"
    )

    var times: [Double] = []
    var answer: [UUID: [OccupancyNight]] = [:]
    for _ in 0..<runs {
        let start = Date()
        answer = try OccupancyStore.occupancy(c, premisesIds: ids, nights: nights, today: today)
        times.append(Date().timeIntervalSince(start) * 1000)
    }
    let all = answer.values.flatMap { $0 }
    let totals = [
        all.map(\.beds), all.map(\.outOfService), all.map(\.occupied), all.map(\.arrivals), all.map(\.departures),
    ].map { $0.reduce(0, +) }

    // psql, pinned like this process (it inherits our affinity), in one session, \timing for each run.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let naive = try String(contentsOf: root.appendingPathComponent("bench/occupancy-naive.sql"), encoding: .utf8)
        .split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
    let store = OccupancyStore.sql.replacingOccurrences(of: "\n", with: " ")
    var script = "\\set lo '\(nights.from)'\n\\set hi '\(nights.to)'\n\\set today '\(today)'\n"
    script += "SELECT array_agg(id) AS ids FROM premises \\gset\n"
    script += "PREPARE occupancy(uuid[], date, date, date) AS \(store);\n\\timing on\n\\o /dev/null\n"
    for _ in 0..<runs { script += "EXECUTE occupancy(:'ids', :'lo', :'hi', :'today');\n" }
    for _ in 0..<runs { script += naive + ";\n" }
    script +=
        "\\o\n\\timing off\n\\pset tuples_only on\nSELECT sum(beds) || ' ' || sum(out_of_service) || ' ' || "
        + "sum(occupied) || ' ' || sum(arrivals) || ' ' || sum(departures) FROM (\(naive)) AS x;\n"
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("ap-occupancy-\(UUID().uuidString).sql")
    try script.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let psql = Process()
    psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    psql.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", file.path]
    let out = Pipe()
    psql.standardOutput = out
    try psql.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    psql.waitUntilExit()
    guard psql.terminationStatus == 0 else {
        print("psql failed")
        exit(1)
    }
    let psqlTimes = text.split(separator: "\n").compactMap { line -> Double? in
        guard line.hasPrefix("Time: ") else { return nil }
        return Double(line.dropFirst(6).split(separator: " ")[0])
    }
    let naiveTotals =
        text.split(separator: "\n").last { !$0.hasPrefix("Time") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        .map { $0.split(separator: " ").compactMap { Int($0) } } ?? []

    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
    let ours = median(times)
    let same = median(Array(psqlTimes.prefix(runs)))
    let obvious = median(Array(psqlTimes.dropFirst(runs).prefix(runs)))
    print(
        "totals (beds, out of service, occupied, arrivals, departures): store \(totals), hand-written "
            + "\(naiveTotals): \(totals == naiveTotals ? "agree" : "DISAGREE")"
    )
    print(String(format: "store through the driver, median of %d: %8.1f ms (%d rows decoded)", runs, ours, all.count))
    print(String(format: "the same statement through psql:       %8.1f ms   ratio store/psql %.2fx", same, ours / same))
    print(
        String(
            format: "the hand-written query through psql:   %8.1f ms   ratio store/hand-written %.3fx", obvious,
            ours / obvious))
    if totals != naiveTotals { exit(1) }
}
