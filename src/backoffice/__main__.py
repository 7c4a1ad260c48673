from backoffice.cli import main

main()
