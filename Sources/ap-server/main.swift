import APServer

await APServerCommand.runFromCommandLine()
