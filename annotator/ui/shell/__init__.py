"""The application shell: the app, the main window that assembles the parts, its menus and file actions."""
