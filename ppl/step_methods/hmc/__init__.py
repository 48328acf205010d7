"""Hamiltonian samplers on flat vectors: integrator, metrics, warm-up adaptation, HMC and NUTS."""
