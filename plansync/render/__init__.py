"""Renderers turn results into output; the core never prints. (Nothing is imported here:
`plansync --help` and every command load only the renderers they use.)"""
