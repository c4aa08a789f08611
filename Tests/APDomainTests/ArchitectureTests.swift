import Foundation
import Testing

/// The README's architecture, held: what each module may import, SQL only in the store, two-line mains.
@Suite struct ArchitectureTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Our modules each module may import (other packages' modules are not checked here).
    static let allowed: [String: Set<String>] = [
        "Civil": [],
        "APDomain": ["Civil"],
        "APWire": ["APDomain", "Civil"],
        "PGDriver": ["CLibPQ", "Civil"],
        "PGMigrations": ["PGDriver"],
        "APStore": ["APDomain", "APWire", "Civil", "PGDriver"],
        "APWorker": ["APDomain", "APStore", "APWire", "Civil", "PGDriver"],
        "APService": ["APDomain", "APStore", "APWire", "Civil", "PGDriver", "PGMigrations"],
        // A client of the service: never the database's driver, so `ap` never links libpq.
        "APClient": ["APWire", "Civil"],
        "APCLI": ["APClient", "APDomain", "APWire", "Civil"],
        "APServer": ["APDomain", "APService", "APStore", "APWire", "APWorker", "Civil", "PGDriver", "PGMigrations"],
        "ap": ["APCLI"],
        "ap-server": ["APServer"],
        "ap-bench": ["APClient", "APDomain", "APStore", "APWire", "Civil", "PGDriver"],
    ]
    static let ours: Set<String> = Set(allowed.keys).union(["CLibPQ"])

    static func files(of module: String) -> [(name: String, lines: [Substring])] {
        let folder = sources.appendingPathComponent(module)
        let names = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter {
            $0.hasSuffix(".swift")
        }
        return names.sorted().map { name in
            (
                name,
                ((try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? "").split(
                    separator: "\n", omittingEmptySubsequences: false)
            )
        }
    }

    @Test(arguments: allowed.keys.sorted())
    func aModuleImportsOnlyWhatItMay(module: String) {
        let files = Self.files(of: module)
        #expect(!files.isEmpty, "no sources for \(module)")
        for (name, lines) in files {
            for line in lines where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                let imported = String(line.split(separator: " ").last ?? "")
                guard Self.ours.contains(imported) else { continue }
                #expect(Self.allowed[module]!.contains(imported), "\(module)/\(name) imports \(imported)")
            }
        }
    }

    /// SQL is written in the store (and in the driver and the migrator, which are about SQL itself, and the
    /// bench, which measures it).
    @Test(arguments: ["APDomain", "APWire", "APWorker", "APService", "APClient", "APCLI", "APServer"])
    func noSQLOutsideTheStore(module: String) throws {
        let sql = try Regex(#"\b(SELECT|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET)\b"#)
        for (name, lines) in Self.files(of: module) {
            for (i, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                #expect(line.firstMatch(of: sql) == nil, "\(module)/\(name):\(i + 1) has SQL")
            }
        }
    }

    @Test(arguments: ["ap", "ap-server"])
    func mainsAreTwoLines(module: String) {
        let code = Self.files(of: module).flatMap(\.lines).filter {
            let t = $0.trimmingCharacters(in: .whitespaces)
            return !t.isEmpty && !t.hasPrefix("//")
        }
        #expect(code.count == 2, "\(code)")
    }
}
