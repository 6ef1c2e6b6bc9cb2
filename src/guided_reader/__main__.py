from guided_reader.cli import main

raise SystemExit(main())
