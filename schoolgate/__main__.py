from schoolgate.cli import main

main()
