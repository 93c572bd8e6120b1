a = <<-EOT
  x ${y}
  EOT
b = [for k, v in var.m : k if v]
c = {for k in var.l : k => k...}
d = var.a ? -1 : !var.b
e = f(1, [2]...)
g = x[*].y.0
h = "%{ if a }b%{ else }c%{ endif }$${z}"
