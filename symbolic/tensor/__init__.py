"""Grid tensors and what produces them: the activation-pooling operators, generalized tensor products, the
generalized CP and HT decompositions, circuit graphs, arithmetic engines and multimodular residues.
"""
