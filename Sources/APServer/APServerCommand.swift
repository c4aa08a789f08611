import ArgumentParser

/// `ap-server`: the operator's command for the service side of the system.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct APServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ap-server",
        abstract: "Approved Premises: the service, migrations, demo data, curfew checks and the curfew worker.",
        discussion: "Every subcommand reads the database from DATABASE_URL (scripts/db prints one for a local server).",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeedCommand.self, DemoCommand.self, CurfewCheckCommand.self,
            WorkerCommand.self, AdminCommand.self, SubjectAccessCommand.self, ImportCommand.self,
            RetentionCommand.self,
        ]
    )
    public init() {}
}

extension APServerCommand {
    /// Parses the command line and runs the chosen subcommand, awaiting it when it is asynchronous.
    /// (Called explicitly: top-level code would otherwise pick the synchronous `main()`.)
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
