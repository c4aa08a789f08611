import APStore
import APWire
import ArgumentParser
import Civil
import Foundation
import PGDriver
import PGMigrations

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load made-up but realistic premises, beds, residents and placements (migrating first).",
        discussion: """
            Deterministic for a seed. Dates are relative to --today (default: today in Europe/London). \
            Exit codes: 0 done, 1 the database refused or failed, 64 bad usage.

            Examples:
              ap-server seed --premises 3 --beds 20
              ap-server seed --premises 100 --beds 30 --history-days 365 --prefix BN
            """
    )

    @Option(help: "How many premises.") var premises = 3
    @Option(help: "Beds at each premises.") var beds = 20
    @Option(help: "Days of history before today.") var historyDays = 90
    @Option(help: "Days of upcoming placements after today.") var aheadDays = 60
    @Option(help: "The seed of the generator.") var seed: UInt64 = 1
    @Option(help: "Premises code prefix; its first letter starts every CRN.") var prefix = "AP"
    @Option(help: "The date taken as today, YYYY-MM-DD.") var today: String?

    func validate() throws {
        guard (1...1000).contains(premises), (1...500).contains(beds), (0...3650).contains(historyDays),
            (0...365).contains(aheadDays)
        else {
            throw ValidationError("premises 1 to 1000, beds 1 to 500, history days 0 to 3650, ahead days 0 to 365")
        }
        if let today, LocalDate(today) == nil { throw ValidationError("--today must be a date as YYYY-MM-DD") }
        if !prefix.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) || prefix.isEmpty || prefix.count > 6 {
            throw ValidationError("--prefix is 1 to 6 capital letters or digits")
        }
    }

    func run() throws {
        do {
            let connection = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-seed"))
            try Migrator(directory: Migrator.defaultDirectory()).migrate(connection)
            var data = SyntheticData(
                today: today.flatMap(LocalDate.init)
                    ?? Zone.local(Date(), in: TimeZone(identifier: "Europe/London")!).date)
            data.premises = premises
            data.bedsPerPremises = beds
            data.historyDays = historyDays
            data.aheadDays = aheadDays
            data.seed = seed
            data.codePrefix = prefix
            let started = Date()
            let s = try data.load(into: connection)
            print(
                "seeded \(s.premises) premises, \(s.beds) beds, \(s.residents) residents, \(s.placements) placements, "
                    + "\(s.allocations) bed allocations, \(s.outOfService) out-of-service periods in "
                    + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s"
            )
        } catch {
            FileHandle.standardError.write(Data("ap-server seed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
