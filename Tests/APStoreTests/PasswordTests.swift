import APDomain
import APStore
import APWire
import Foundation
import PGDriver
import TestDatabase
import Testing

/// Passwords for the pages on the real database: only a bcrypt hash kept, weak ones refused, five wrong in a row
/// lock for 15 minutes, and setting a password ends the account's sessions.
@Suite struct PasswordTests {
    @Test func setCheckLockAndEndSessions() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let staff = try PremisesStore.addStaff(c, name: "Pat Manager", role: .manager, premisesIds: [p.id])
                let account = try AccountStore.create(
                    c, actor: .system, staffId: staff.id, name: "Pat Manager", role: .manager)
                let now = Date()
                #expect(
                    storeError {
                        try PasswordStore.set(
                            c, actor: .system, accountId: account.id, username: "pat", password: "short",
                            mustChange: true, now: now)
                    }?.field == "password")
                #expect(
                    storeError {
                        try PasswordStore.set(
                            c, actor: .system, accountId: account.id, username: "Pat Manager",
                            password: "a long enough password", mustChange: true, now: now)
                    }?.field == "username")
                try PasswordStore.set(
                    c, actor: .system, accountId: account.id, username: "pat.manager",
                    password: "a long enough password", mustChange: true, now: now)
                let stored: String = try c.query("SELECT password_hash FROM accounts WHERE id = $1", [account.id])[0]
                    .decode("password_hash")
                #expect(stored.hasPrefix("$2") && !stored.contains("long enough"))

                guard
                    case .success(let (principal, mustChange)) = try PasswordStore.check(
                        c, username: "PAT.MANAGER ", password: "a long enough password", now: now)
                else {
                    Issue.record("the right password was refused")
                    return
                }
                #expect(principal.account.id == account.id && mustChange)
                let (cookie, _) = try WebSessionStore.open(c, principal: principal, passwordMustChange: true, now: now)
                #expect(try WebSessionStore.find(c, id: cookie, now: now)?.passwordMustChange == true)

                for attempt in 1...PasswordRules.lockAfter {
                    let result = try PasswordStore.check(
                        c, username: "pat.manager", password: "guess \(attempt)", now: now)
                    if attempt < PasswordRules.lockAfter {
                        #expect(result.failureValue == .wrong)
                    } else {
                        #expect(result.failureValue == .locked(until: now.addingTimeInterval(PasswordRules.lockFor)))
                    }
                }
                // Locked: the right password too, until the lock ends.
                let locked = try PasswordStore.check(
                    c, username: "pat.manager", password: "a long enough password", now: now)
                #expect(locked.failureValue != nil)
                let later = now.addingTimeInterval(PasswordRules.lockFor + 1)
                #expect(
                    try PasswordStore.check(c, username: "pat.manager", password: "a long enough password", now: later)
                        .failureValue == nil)
                #expect(
                    try PasswordStore.check(c, username: "nobody.here", password: "a long enough password", now: now)
                        .failureValue == .wrong)

                try PasswordStore.set(
                    c, actor: .system, accountId: account.id, username: "pat.manager",
                    password: "another long password", mustChange: false, now: later)
                #expect(try WebSessionStore.find(c, id: cookie, now: later) == nil, "the old session ended")
            }
        }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
