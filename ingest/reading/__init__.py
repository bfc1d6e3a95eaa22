"""Reading notice text: what a notice says (nature, reasons, citation, people, dates), from its prose."""
