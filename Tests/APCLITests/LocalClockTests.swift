import Foundation
import Testing

@testable import APCLI

/// Issue 17, finding 6: on a night the clocks change, `ap` shows each time with its zone, so that "in 01:20"
/// listed after "out 01:30" reads as what it is (01:30 BST, then 01:20 GMT, fifty minutes later).
@Suite struct LocalClockTests {
    static let london = TimeZone(identifier: "Europe/London")!

    @Test(arguments: [
        ("2026-10-25T00:30:00Z", "Sun 25 Oct 01:30 BST"),  // the first 01:30 of the fall-back night
        ("2026-10-25T01:20:00Z", "Sun 25 Oct 01:20 GMT"),  // fifty minutes later, the clock reads earlier
        ("2026-03-29T00:30:00Z", "Sun 29 Mar 00:30 GMT"),  // the spring-forward night
        ("2026-03-29T01:30:00Z", "Sun 29 Mar 02:30 BST"),
        ("2026-11-20T22:00:00Z", "Fri 20 Nov 22:00"),  // an ordinary night: no zone
        ("2026-07-01T21:00:00Z", "Wed 1 Jul 22:00"),
    ])
    func timesOnAClockChangeNightCarryTheirZone(instant: String, shown: String) {
        let clock = LocalClock(zone: Self.london, now: try! Date("2026-11-30T12:00:00Z", strategy: .iso8601))
        #expect(clock.show(try! Date(instant, strategy: .iso8601)) == shown)
    }
}
