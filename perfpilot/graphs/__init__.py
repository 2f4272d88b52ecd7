"""The orchestrator: typed workflow state, pure routing functions, and the LangGraph builder."""
