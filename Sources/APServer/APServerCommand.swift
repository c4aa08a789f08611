import ArgumentParser

/// `ap-server`: the operator's command for the service side of the system.
public struct APServerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ap-server",
        abstract: "Approved Premises: database migrations (and, as they land, the service and the curfew worker).",
        discussion: "Every subcommand reads the database from DATABASE_URL (scripts/db prints one for a local server).",
        subcommands: [MigrateCommand.self, SeedCommand.self, CurfewCheckCommand.self]
    )
    public init() {}
}
