import APServer

APServerCommand.main()
