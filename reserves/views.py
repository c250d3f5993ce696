from django.http import HttpResponse


def candidate_detail(request, pk):
    return HttpResponse("")
