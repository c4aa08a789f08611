import Foundation
import ServiceHarness
import Testing

/// `ap` given random and malformed arguments: it never crashes, never prints a stack trace, and always
/// exits with one of its documented codes.
@Suite struct CLIFuzzTests {
    struct SplitMix {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    static let commands = [
        ["out"], ["in"], ["void"], ["roll"], ["handover"], ["handover", "note"], ["handover", "ack"], ["alerts"],
        ["alerts", "ack"],
        ["incident", "new"], ["incident", "show"], ["incident", "update"], ["resident", "show"], ["beds"],
        ["occupancy"],
        ["whoami"], ["login"], ["nonsense"], [],
    ]
    static let junk = [
        "", " ", "--", "-", "--json", "--at", "25:99", "--back", "24:00", "--reason", "--to", "--from", "2026-02-30",
        "--to", "1 Nov",
        "X000000", "A000023", "12A", "R1", "%s%n", "'; DROP TABLE movements; --", "\u{1B}[2J", "Ahmed", "ünïcödé",
        String(repeating: "x", count: 5000),
        "--outcome", "returned_late", "--premises", "AP-999", "--csv", "-h", "--version", "3f2a", "00000000",
        "--category", "meteor",
        "--severity", "catastrophic", "--description", "\u{0}", "--days", "-1", "--nights", "99999999999999999999",
    ]
    static let documented: Set<Int32> = [0, 1, 2, 3, 4, 5, 6, 7, 64]

    @Test func randomArgumentsGetDocumentedExitsAndNoStackTraces() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            var rng = SplitMix(state: 20_261_124)
            for _ in 0..<60 {
                var args = Self.commands[rng.next(Self.commands.count)]
                for _ in 0..<rng.next(5) { args.append(Self.junk[rng.next(Self.junk.count)]) }
                // Never sign in with a junk URL or leave the config folder: login gets --url of the harness.
                if args.first == "login" { args += ["--url", h.url.absoluteString, "--token", "ap_junk"] }
                // a NUL cannot be passed to exec
                let args0 = args.map { $0.replacingOccurrences(of: "\u{0}", with: "") }
                let r = try await ap.run(args0)
                #expect(
                    Self.documented.contains(r.status),
                    "ap \(args0.map { String($0.prefix(20)) }) exited \(r.status): \(r.err.prefix(300))")
                for marker in [
                    "Fatal error", "Stack dump", "Segmentation", "Illegal instruction", "libswiftCore", "Thread 0",
                ] {
                    #expect(
                        !r.err.contains(marker) && !r.out.contains(marker),
                        "ap \(args0.map { String($0.prefix(20)) }): \(r.err.prefix(300))")
                }
            }
        }
    }
}
