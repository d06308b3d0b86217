from plansync.cli import main

if __name__ == "__main__":  # not when a second process of plansync diff imports it
    main()
