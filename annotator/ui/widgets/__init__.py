"""Small pieces every part of the window shares: the store-change signal, undo, the shared state, messages, file dialogs, the coding operations and the code picker."""
