"""Pure calculations and read models shared by services, exports and views.

Nothing here writes, and nothing here imports services, exports, views or flask: the
deadline dates of an årshjul (cycle_plan), the prioritisation's scoring, the rows of the
decision register, the names of the exchange format.
"""
