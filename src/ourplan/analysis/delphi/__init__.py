"""Delphi consensus studies: pure analysis, no Django.

Typical use::

    from ourplan.analysis.delphi import ConsensusDefinition, analyse_study, read_responses_csv

    responses = read_responses_csv("responses.csv", scale=5)
    result = analyse_study(responses, definition=ConsensusDefinition(scale=5), merge=["a+b"])

``result`` follows the JSON contract described in docs/delphi.md.  Web code that holds
responses in the database builds a wide DataFrame and calls
:func:`responses_from_frame` instead of reading a CSV.
"""

from ourplan.analysis.delphi.cluster_quality import (
    adjusted_rand_index,
    silhouette_samples,
    silhouette_score,
)
from ourplan.analysis.delphi.clustering import (
    ClusteringResult,
    cluster_respondents,
    dendrogram_chart,
)
from ourplan.analysis.delphi.consensus import (
    ConsensusDefinition,
    ConsensusOutcome,
    GroupShares,
    StabilityCriterion,
    StabilityEvidence,
)
from ourplan.analysis.delphi.demo import demo_study, generate_panel, write_panel
from ourplan.analysis.delphi.feedback import round_feedback
from ourplan.analysis.delphi.groups import compare_groups, merge_groups
from ourplan.analysis.delphi.report import DelphiAnalysis, analyse_study, run_analysis
from ourplan.analysis.delphi.responses import (
    DelphiResponses,
    Statement,
    read_responses_csv,
    read_statements_csv,
    responses_from_frame,
)
from ourplan.analysis.delphi.summary import RatingSummary, summarise
from ourplan.analysis.delphi.tables import agreement_label, cluster_table, group_table

__all__ = [
    "ClusteringResult",
    "ConsensusDefinition",
    "ConsensusOutcome",
    "DelphiAnalysis",
    "DelphiResponses",
    "GroupShares",
    "RatingSummary",
    "StabilityCriterion",
    "StabilityEvidence",
    "Statement",
    "adjusted_rand_index",
    "agreement_label",
    "analyse_study",
    "cluster_respondents",
    "cluster_table",
    "compare_groups",
    "demo_study",
    "dendrogram_chart",
    "generate_panel",
    "group_table",
    "merge_groups",
    "read_responses_csv",
    "read_statements_csv",
    "responses_from_frame",
    "round_feedback",
    "run_analysis",
    "silhouette_samples",
    "silhouette_score",
    "summarise",
    "write_panel",
]
