import APStore
import APWire
import Foundation
import PGDriver
import TestDatabase
import Testing

/// `acting(as:)` inside a transaction already acting: for the same actor the settings in force are
/// kept (no second round trip); for another actor, the inner writes are still attributed to it.
@Suite struct ActingTests {
    @Test func nestedActingAttributesEachWriteToItsActor() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let a = Actor.staff(UUID(), origin: "outer")
                let b = Actor.staff(UUID(), origin: "inner")
                let setting = { (c: PGConnection) in
                    try c.query("SELECT current_setting('ap.actor') AS a, current_user::text AS u")[0]
                }
                try c.acting(as: a) { c throws in
                    let label = c.transactionLabel
                    #expect(label != nil)
                    try c.acting(as: a) { c throws in
                        #expect(c.transactionLabel == label)
                        #expect(try setting(c).decode("a", as: String.self) == a.name)
                    }
                    try c.acting(as: b) { c throws in
                        #expect(c.transactionLabel != label)
                        #expect(try setting(c).decode("a", as: String.self) == b.name)
                        #expect(try setting(c).decode("u", as: String.self) == "ap_app")
                    }
                }
                #expect(c.transactionLabel == nil)
            }
        }
    }
}
