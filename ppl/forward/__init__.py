"""Forward sampling: draws from distributions, model variables, priors and posteriors."""

from ppl.forward.draw import draw
from ppl.forward.predictive import sample_posterior_predictive, sample_prior_predictive

__all__ = ["draw", "sample_prior_predictive", "sample_posterior_predictive"]
